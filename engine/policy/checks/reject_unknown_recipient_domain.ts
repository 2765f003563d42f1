// reject_unknown_recipient_domain: refuse a RCPT TO domain that has no MX and no A/AAAA record
// (450 4.1.2 "Domain not found"), or a null MX (556 5.1.10). A DNS failure defers only if the
// mail would otherwise be accepted. Our own domains and address literals are not looked up.
import { defineCheck, next } from '../types';
import { unknownDomain } from './reject_unknown_sender_domain';

export default defineCheck({
  name: 'reject_unknown_recipient_domain',
  stage: 'rcpt',
  run(ctx) {
    if (!ctx.recipient) return next();
    return unknownDomain(ctx, ctx.recipient, 'recipient');
  },
});
