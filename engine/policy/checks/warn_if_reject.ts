// warn_if_reject: the next restriction (or restriction class) only notes its reject as a
// reject_warning; evaluation goes on as if it had said DUNNO.
import { defineCheck, next } from '../types';

export default defineCheck({
  name: 'warn_if_reject',
  stage: 'connect',
  run(ctx) {
    if (!ctx.hooks) ctx.note('no runner state to record this in: ignored');
    ctx.hooks?.warnIfReject();
    return next();
  },
});
