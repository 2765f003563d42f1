// reject_rhsbl_helo DOMAIN[=FILTER]: refuse a HELO/EHLO name listed in a right-hand-side
// blocklist ("554 5.7.1 Service unavailable; Helo command [name] blocked using DOMAIN").
import { parseDnsxlArg, queryDnsxl, rblReply, rhsblDomain, validateDnsxlArgs } from '../dnsxl';
import { defineCheck, next } from '../types';
import { validHostname } from './reject_invalid_helo_hostname';

export default defineCheck({
  name: 'reject_rhsbl_helo',
  stage: 'helo',
  args: 1,
  validateArgs: validateDnsxlArgs,
  async run(ctx, [raw]) {
    const helo = ctx.helo;
    if (helo === undefined) return next();
    const domain = rhsblDomain(helo, validHostname);
    if (!domain) { ctx.note(`${helo}: not a name an RHSBL can list`); return next(); }
    const arg = parseDnsxlArg(raw!);
    const r = await queryDnsxl(ctx, `${domain}.${arg.domain}`, arg);
    return r.kind === 'listed' ? rblReply(ctx, arg, helo, 'Helo command', r.txt) : next();
  },
});
