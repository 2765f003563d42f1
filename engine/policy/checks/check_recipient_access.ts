// check_recipient_access TABLE: look up the RCPT TO address in access(5) order, like
// check_sender_access. An OK for an address with sender-specified routing (user@x@y, user%x@y,
// x!user@y) counts as DUNNO, so a table cannot make such an address relay.
import { accessAddress, addressQueries } from '../../tables/access';
import { tableSpecProblem } from '../../tables/registry';
import { accessLookup } from '../access-table';
import { defineCheck, next } from '../types';

export default defineCheck({
  name: 'check_recipient_access',
  stage: 'rcpt',
  args: 1,
  tableArgs: true,
  validateArgs: ([spec]) => tableSpecProblem(spec ?? ''),
  async run(ctx, [spec]) {
    const rcpt = ctx.recipient;
    if (rcpt === undefined) return next();
    const at = rcpt.lastIndexOf('@');
    const routed = /[@%!]/.test(at < 0 ? rcpt : rcpt.slice(0, at));
    const queries = addressQueries(accessAddress(rcpt, ctx.myorigin), ctx.recipientDelimiter ?? '+');
    return (await accessLookup(ctx, spec!, queries, { name: rcpt, class: 'Recipient address' }, routed)).verdict;
  },
});
