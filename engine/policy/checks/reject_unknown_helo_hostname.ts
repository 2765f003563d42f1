// reject_unknown_helo_hostname: refuse a HELO/EHLO name that has neither an A/AAAA nor an MX
// record (unknown_hostname_reject_code 450, 4.7.1 "Host not found"); a null MX is enough. A DNS
// failure defers only if the mail would otherwise be accepted (defer_if_permit). An address
// literal must be a valid address.
import { dnsLookup } from '../dns-status';
import { defer, defineCheck, next } from '../types';
import { invalidLiteral } from './reject_invalid_helo_hostname';

export default defineCheck({
  name: 'reject_unknown_helo_hostname',
  stage: 'helo',
  async run(ctx) {
    const helo = ctx.helo;
    if (helo === undefined) return next();
    if (helo.startsWith('[')) return invalidLiteral(helo) ?? next();
    const status = await dnsLookup(ctx.resolver, helo, ['A', 'AAAA', 'MX'], {}, ctx.note);
    if (status === 'ok' || status === 'nullmx') return next();
    if (status === 'retry') {
      const v = defer(450, '4.7.1', `<${helo}>: Helo command rejected: Host not found`);
      if (!ctx.hooks) return v;
      ctx.hooks.deferIfPermit(v);
      return next();
    }
    return defer(450, '4.7.1', `<${helo}>: Helo command rejected: ${status === 'inval' ? 'Malformed DNS server reply' : 'Host not found'}`);
  },
});
