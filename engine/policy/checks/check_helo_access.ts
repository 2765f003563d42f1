// check_helo_access TABLE: look up the HELO/EHLO argument and its parent domains (no walk for a
// numeric name) in access(5) order; the value found decides.
import { hostQueries } from '../../tables/access';
import { tableSpecProblem } from '../../tables/registry';
import { accessLookup } from '../access-table';
import { defineCheck, next } from '../types';

export default defineCheck({
  name: 'check_helo_access',
  stage: 'helo',
  args: 1,
  tableArgs: true,
  validateArgs: ([spec]) => tableSpecProblem(spec ?? ''),
  async run(ctx, [spec]) {
    if (ctx.helo === undefined) return next();
    return (await accessLookup(ctx, spec!, hostQueries(ctx.helo), { name: ctx.helo, class: 'Helo command' })).verdict;
  },
});
