// permit_dnswl_client DOMAIN[=FILTER]: PERMIT a client whose address is listed in a DNS allow
// list. At RCPT it never permits a recipient we would not accept anyway (it cannot override
// reject_unauth_destination). A DNS failure turns a later reject into a deferral
// (defer_if_reject "450 4.7.1 <ip>: Client host rejected: Service unavailable").
import { addrQuery, parseDnsxlArg, queryDnsxl, validateDnsxlArgs } from '../dnsxl';
import { accept, defer, defineCheck, next } from '../types';
import { authDestination } from './permit_auth_destination';

export default defineCheck({
  name: 'permit_dnswl_client',
  stage: 'connect',
  args: 1,
  validateArgs: validateDnsxlArgs,
  async run(ctx, [raw]) {
    if (ctx.stage === 'rcpt' && ctx.recipient !== undefined && !authDestination(ctx.recipient, ctx.isLocalDomain).local) {
      ctx.note(`${ctx.recipient} is not a local destination: an allow list may not permit it`);
      return next();
    }
    const arg = parseDnsxlArg(raw!);
    const query = addrQuery(ctx.client.ip, arg.domain);
    if (!query) return next();
    const r = await queryDnsxl(ctx, query, arg);
    if (r.kind === 'listed') return accept();
    if (r.kind === 'soft') ctx.hooks?.deferIfReject(defer(450, '4.7.1', `<${ctx.client.ip}>: Client host rejected: Service unavailable`));
    return next();
  },
});
