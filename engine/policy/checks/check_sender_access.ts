// check_sender_access TABLE: look up the MAIL FROM address in access(5) order (full address,
// without the extension, domain, parent domains, user+ext@, user@), lower-cased and with a
// bare local part completed with myorigin; the null sender is the single key "<>".
import { accessAddress, addressQueries } from '../../tables/access';
import { tableSpecProblem } from '../../tables/registry';
import { accessLookup } from '../access-table';
import { defineCheck, next } from '../types';

export default defineCheck({
  name: 'check_sender_access',
  stage: 'mail',
  args: 1,
  tableArgs: true,
  validateArgs: ([spec]) => tableSpecProblem(spec ?? ''),
  async run(ctx, [spec]) {
    const sender = ctx.sender;
    if (sender === undefined) return next();
    const reply = { name: sender, class: 'Sender address' };
    const queries = sender === ''
      ? [{ key: '<>', partial: false }] // smtpd_null_access_lookup_key
      : addressQueries(accessAddress(sender, ctx.myorigin), ctx.recipientDelimiter ?? '+');
    return (await accessLookup(ctx, spec!, queries, reply)).verdict;
  },
});
