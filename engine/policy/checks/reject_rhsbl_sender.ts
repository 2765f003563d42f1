// reject_rhsbl_sender DOMAIN[=FILTER]: refuse a MAIL FROM address whose domain is listed in a
// right-hand-side blocklist ("554 5.7.1 Service unavailable; Sender address [a@b] blocked using
// DOMAIN"). The null sender, address literals and numeric domains are not looked up.
import { checkRhsbl, validateDnsxlArgs } from '../dnsxl';
import { defineCheck, next } from '../types';

export default defineCheck({
  name: 'reject_rhsbl_sender',
  stage: 'mail',
  args: 1,
  validateArgs: validateDnsxlArgs,
  async run(ctx, [raw]) {
    const sender = ctx.sender;
    if (!sender) return next();
    return checkRhsbl(ctx, raw!, sender, 'Sender address', 'no domain an RHSBL can list');
  },
});
