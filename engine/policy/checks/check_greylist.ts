// check_greylist: greylisting with postgrey's semantics, in-process (MTA-SEMANTICS §5). Like
// postgrey's DEFER_IF_PERMIT answer: a later REJECT still wins with its 5xx; a greylisted
// recipient whose lists end in PERMIT gets 450 4.2.0. The first pass PREPENDs X-Greylist.
import { mailDate } from '../../smtp/received';
import { defer, defineCheck, next } from '../types';

export default defineCheck({
  name: 'check_greylist',
  stage: 'rcpt',
  run(ctx) {
    if (!ctx.greylist) {
      ctx.note('greylisting is not available in this engine: ignored');
      return next();
    }
    const rcpt = ctx.recipient ?? '';
    const d = ctx.greylist.check(ctx.client.ip, ctx.sender ?? '', rcpt);
    if (d.action === 'greylist') {
      ctx.note(`${d.reason}: triplet ${d.key}, ${d.secondsLeft} s to wait`);
      const domain = rcpt.slice(rcpt.lastIndexOf('@') + 1);
      const reply = defer(450, '4.2.0', `<${rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${domain}.html`);
      if (ctx.hooks) ctx.hooks.deferIfPermit(reply);
      else return reply;
      return next();
    }
    ctx.note(`${d.reason}: triplet ${d.key}`);
    if (d.firstPass && d.delayed !== undefined) {
      ctx.hooks?.effect?.({ kind: 'prepend', header: `X-Greylist: delayed ${d.delayed} seconds by relaylab-greylist at ${ctx.greylist.hostname}; ${mailDate(new Date())}` });
    }
    return next();
  },
});
