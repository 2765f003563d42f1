// reject_unauth_pipelining: refuse a client that sent commands ahead of time where RFC 2920
// does not allow it (MTA-SEMANTICS §8.3). Meant for the data list; valid in any list.
import { defineCheck, next, reject, replyClass, replyName } from '../types';

export default defineCheck({
  name: 'reject_unauth_pipelining',
  stage: 'connect',
  run(ctx) {
    if (!ctx.illegalPipelining) return next();
    ctx.note('the client sent commands before it was allowed to');
    return reject(503, '5.5.0', `<${replyName(ctx)}>: ${replyClass(ctx)} rejected: Improper use of SMTP command pipelining`);
  },
});
