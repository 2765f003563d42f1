// check_client_access TABLE: look up the client name (and its parent domains), then the client
// address (and its parent networks), in access(5) order; the value found decides. A key found
// for the name, even DUNNO, ends the search before the address (Postfix check_namadr_access).
import { hostQueries, ipQueries } from '../../tables/access';
import { tableSpecProblem } from '../../tables/registry';
import { accessLookup } from '../access-table';
import { defineCheck } from '../types';

export default defineCheck({
  name: 'check_client_access',
  stage: 'connect',
  args: 1,
  tableArgs: true,
  validateArgs: ([spec]) => tableSpecProblem(spec ?? ''),
  async run(ctx, [spec]) {
    const reply = { name: `${ctx.client.name}[${ctx.client.ip}]`, class: 'Client host' };
    const byName = await accessLookup(ctx, spec!, hostQueries(ctx.client.name), reply);
    if (byName.found) return byName.verdict;
    return (await accessLookup(ctx, spec!, ipQueries(ctx.client.ip), reply)).verdict;
  },
});
