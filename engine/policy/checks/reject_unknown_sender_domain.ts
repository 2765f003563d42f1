// reject_unknown_sender_domain: refuse a MAIL FROM domain that has no MX and no A/AAAA record
// (450 4.1.8 "Domain not found"), or a null MX (550 5.7.27). A DNS failure defers only if the
// mail would otherwise be accepted (defer_if_permit, unknown_address_tempfail_action). Domains
// we are the final destination for, address literals and the null sender are not looked up.
import { accessAddress } from '../../tables/access';
import { dnsLookup } from '../dns-status';
import { defer, defineCheck, next, reject } from '../types';
import type { PolicyContext, Verdict } from '../types';

/** Postfix reject_unknown_address() → reject_unknown_mailhost() for a sender or recipient. */
export async function unknownDomain(ctx: PolicyContext, addr: string, role: 'sender' | 'recipient'): Promise<Verdict> {
  const cls = role === 'sender' ? 'Sender address' : 'Recipient address';
  const resolved = accessAddress(addr, ctx.myorigin);
  const at = resolved.lastIndexOf('@');
  if (at < 0) return next();
  const domain = resolved.slice(at + 1);
  if (domain === '' || ctx.isLocalDomain(domain)) {
    if (domain !== '') ctx.note(`${domain} is a local domain: not looked up`);
    return next();
  }
  if (domain.startsWith('[') && domain.endsWith(']')) return next();
  const status = await dnsLookup(ctx.resolver, domain, ['MX', 'A', 'AAAA'], { stopInval: true, stopNullMx: true }, ctx.note);
  const dsn = role === 'sender' ? '4.1.8' : '4.1.2';
  switch (status) {
    case 'ok': return next();
    case 'nullmx':
      return role === 'sender'
        ? reject(550, '5.7.27', `<${addr}>: ${cls} rejected: Domain ${domain} does not accept mail (nullMX)`)
        : reject(556, '5.1.10', `<${addr}>: ${cls} rejected: Domain ${domain} does not accept mail (nullMX)`);
    case 'retry': {
      const v = defer(450, dsn, `<${addr}>: ${cls} rejected: Domain not found`);
      if (!ctx.hooks) return v;
      ctx.hooks.deferIfPermit(v);
      return next();
    }
    default:
      return defer(450, dsn, `<${addr}>: ${cls} rejected: ${status === 'inval' ? 'Malformed DNS server reply' : 'Domain not found'}`);
  }
}

export default defineCheck({
  name: 'reject_unknown_sender_domain',
  stage: 'mail',
  run(ctx) {
    if (!ctx.sender) return next();
    return unknownDomain(ctx, ctx.sender, 'sender');
  },
});
