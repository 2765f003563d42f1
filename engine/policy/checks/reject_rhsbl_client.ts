// reject_rhsbl_client DOMAIN[=FILTER]: refuse a client whose host name is listed in a
// right-hand-side blocklist (<name>.DOMAIN has an A record). Skipped when the name is unknown.
import { parseDnsxlArg, queryDnsxl, rblReply, rhsblDomain, validateDnsxlArgs } from '../dnsxl';
import { defineCheck, next } from '../types';
import { validHostname } from './reject_invalid_helo_hostname';

export default defineCheck({
  name: 'reject_rhsbl_client',
  stage: 'connect',
  args: 1,
  validateArgs: validateDnsxlArgs,
  async run(ctx, [raw]) {
    const name = ctx.client.name;
    if (name.toLowerCase() === 'unknown') return next();
    const domain = rhsblDomain(name, validHostname);
    if (!domain) { ctx.note(`${name}: not a name an RHSBL can list`); return next(); }
    const arg = parseDnsxlArg(raw!);
    const r = await queryDnsxl(ctx, `${domain}.${arg.domain}`, arg);
    return r.kind === 'listed' ? rblReply(ctx, arg, name, 'Client host', r.txt) : next();
  },
});
