// reject_rhsbl_helo DOMAIN[=FILTER]: refuse a HELO/EHLO name listed in a right-hand-side
// blocklist ("554 5.7.1 Service unavailable; Helo command [name] blocked using DOMAIN").
import { checkRhsbl, validateDnsxlArgs } from '../dnsxl';
import { defineCheck, next } from '../types';

export default defineCheck({
  name: 'reject_rhsbl_helo',
  stage: 'helo',
  args: 1,
  validateArgs: validateDnsxlArgs,
  async run(ctx, [raw]) {
    const helo = ctx.helo;
    if (helo === undefined) return next();
    return checkRhsbl(ctx, raw!, helo, 'Helo command', 'not a name an RHSBL can list');
  },
});
