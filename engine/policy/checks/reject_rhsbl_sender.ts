// reject_rhsbl_sender DOMAIN[=FILTER]: refuse a MAIL FROM address whose domain is listed in a
// right-hand-side blocklist ("554 5.7.1 Service unavailable; Sender address [a@b] blocked using
// DOMAIN"). The null sender, address literals and numeric domains are not looked up.
import { parseDnsxlArg, queryDnsxl, rblReply, rhsblDomain, validateDnsxlArgs } from '../dnsxl';
import { defineCheck, next } from '../types';
import { validHostname } from './reject_invalid_helo_hostname';

export default defineCheck({
  name: 'reject_rhsbl_sender',
  stage: 'mail',
  args: 1,
  validateArgs: validateDnsxlArgs,
  async run(ctx, [raw]) {
    const sender = ctx.sender;
    if (!sender) return next();
    const domain = rhsblDomain(sender, validHostname);
    if (!domain) { ctx.note(`${sender}: no domain an RHSBL can list`); return next(); }
    const arg = parseDnsxlArg(raw!);
    const r = await queryDnsxl(ctx, `${domain}.${arg.domain}`, arg);
    return r.kind === 'listed' ? rblReply(ctx, arg, sender, 'Sender address', r.txt) : next();
  },
});
