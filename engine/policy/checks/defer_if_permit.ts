// defer_if_permit: if this command would end in an explicit or implicit PERMIT, defer it instead.
import { defer, defineCheck, next, replyClass, replyName } from '../types';

export default defineCheck({
  name: 'defer_if_permit',
  stage: 'connect',
  run(ctx) {
    if (!ctx.hooks) ctx.note('no runner state to record this in: ignored');
    ctx.hooks?.deferIfPermit(defer(450, '4.7.0', `<${replyName(ctx)}>: ${replyClass(ctx)} rejected: defer_if_permit requested`));
    return next();
  },
});
