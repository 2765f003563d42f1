// defer_if_reject: if a later restriction of this list group rejects with 5xx, defer instead.
import { defer, defineCheck, next, replyClass, replyName } from '../types';

export default defineCheck({
  name: 'defer_if_reject',
  stage: 'connect',
  run(ctx) {
    if (!ctx.hooks) ctx.note('no runner state to record this in: ignored');
    ctx.hooks?.deferIfReject(defer(450, '4.7.0', `<${replyName(ctx)}>: ${replyClass(ctx)} rejected: defer_if_reject requested`));
    return next();
  },
});
