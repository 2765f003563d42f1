// reject_non_fqdn_recipient: refuse a RCPT TO address whose domain is missing, not a valid
// host name, or has no dot (504 5.5.2). Address literals are not judged.
import { defineCheck, next } from '../types';
import { nonFqdn } from './reject_non_fqdn_sender';

export default defineCheck({
  name: 'reject_non_fqdn_recipient',
  stage: 'rcpt',
  run(ctx) {
    if (ctx.recipient === undefined) return next();
    return nonFqdn(ctx.recipient, 'Recipient address', ctx.note);
  },
});
