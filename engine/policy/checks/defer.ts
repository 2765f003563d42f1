// defer: refuse temporarily with var_defer_code 450 (Postfix "defer").
import { defer, defineCheck, replyClass, replyName } from '../types';

export default defineCheck({
  name: 'defer',
  stage: 'connect',
  run: (ctx) => defer(450, '4.3.2', `<${replyName(ctx)}>: ${replyClass(ctx)} rejected: Try again later`),
});
