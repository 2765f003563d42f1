// reject_multi_recipient_bounce: refuse a null-sender message with more than one recipient
// (var_mul_rcpt_code 550, 5.5.3): at DATA when more than one recipient was accepted, at RCPT
// when one already was. Used in smtpd_data_restrictions, usually.
import { defineCheck, next, reject, replyClass, replyName } from '../types';

export default defineCheck({
  name: 'reject_multi_recipient_bounce',
  stage: 'mail',
  run(ctx) {
    if (ctx.sender !== '') return next();
    const limit = ctx.stage === 'rcpt' ? 0 : 1;
    if (ctx.recipientCount <= limit) return next();
    ctx.note(`null sender with ${ctx.recipientCount}${ctx.stage === 'rcpt' ? '+1' : ''} recipients`);
    return reject(550, '5.5.3', `<${replyName(ctx)}>: ${replyClass(ctx)} rejected: Multi-recipient bounce`);
  },
});
