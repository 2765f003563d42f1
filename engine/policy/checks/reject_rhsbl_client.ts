// reject_rhsbl_client DOMAIN[=FILTER]: refuse a client whose host name is listed in a
// right-hand-side blocklist (<name>.DOMAIN has an A record). Skipped when the name is unknown.
import { checkRhsbl, validateDnsxlArgs } from '../dnsxl';
import { defineCheck, next } from '../types';

export default defineCheck({
  name: 'reject_rhsbl_client',
  stage: 'connect',
  args: 1,
  validateArgs: validateDnsxlArgs,
  async run(ctx, [raw]) {
    const name = ctx.client.name;
    if (name.toLowerCase() === 'unknown') return next();
    return checkRhsbl(ctx, raw!, name, 'Client host', 'not a name an RHSBL can list');
  },
});
