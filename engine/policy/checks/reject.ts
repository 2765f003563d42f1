// reject: refuse unconditionally with var_reject_code 554 (Postfix "reject").
import { defineCheck, reject, replyClass, replyName } from '../types';

export default defineCheck({
  name: 'reject',
  stage: 'connect',
  run: (ctx) => reject(554, '5.7.1', `<${replyName(ctx)}>: ${replyClass(ctx)} rejected: Access denied`),
});
