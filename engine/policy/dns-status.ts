// DNS lookups the way Postfix's restrictions see them (dns_lookup.c dns_lookup_l): a list of
// record types tried in order until one answers, and one status for the whole lookup (the most
// telling one seen: ok > policy > retry > inval > fail > nullmx > notfound). A numeric or
// syntactically invalid name is "not found" without a query, as Postfix never sends it.
import { isIP } from 'node:net';
import { DnsError, type RRType, type Resolver } from '../dns/resolver.port';
import { validHostname } from './checks/reject_invalid_helo_hostname';

export type DnsStatus = 'ok' | 'retry' | 'inval' | 'fail' | 'nullmx' | 'notfound';

const RANK: Record<DnsStatus, number> = { ok: 0, retry: -2, inval: -3, fail: -4, nullmx: -5, notfound: -6 };

/** A DnsError code as Postfix's status (NXDOMAIN/NODATA not found, SERVFAIL/timeout retry, REFUSED/FORMERR fail). */
export function statusOf(e: unknown): DnsStatus {
  if (!(e instanceof DnsError)) return 'retry';
  switch (e.code) {
    case 'ENOTFOUND': case 'ENODATA': case 'EBADNAME': return 'notfound';
    case 'EREFUSED': case 'EFORMERR': return 'fail';
    case 'EBADRESP': return 'inval';
    default: return 'retry';
  }
}

export interface LookupOptions {
  /** Stop at a malformed answer (DNS_REQ_FLAG_STOP_INVAL). */
  stopInval?: boolean;
  /** Stop at a null MX (DNS_REQ_FLAG_STOP_NULLMX). */
  stopNullMx?: boolean;
}

/** Looks name up as each type in turn (stopping at the first answer); notes every step. */
export async function dnsLookup(resolver: Resolver, name: string, types: readonly RRType[], o: LookupOptions, note: (s: string) => void): Promise<DnsStatus> {
  const bare = name.length > 1 && name.endsWith('.') && !name.endsWith('..') ? name.slice(0, -1) : name;
  if (isIP(bare) || !validHostname(bare)) {
    note(`${name}: not a host name that can be looked up: not found`);
    return 'notfound';
  }
  let best: DnsStatus = 'notfound';
  for (const type of types) {
    let status: DnsStatus;
    try {
      const answer = await resolver.resolve(bare, type);
      if (type === 'MX') {
        const mx = answer as { exchange: string; priority: number }[];
        status = mx.some((m) => m.exchange === '' || m.exchange === '.') ? 'nullmx'
          : mx.some((m) => !validHostname(m.exchange.replace(/\.$/, ''))) ? 'inval' : 'ok';
        note(`${bare} MX: ${mx.map((m) => `${m.priority} ${m.exchange || '.'}`).join(', ')}${status === 'ok' ? '' : ` (${status === 'nullmx' ? 'null MX' : 'malformed'})`}`);
      } else {
        status = 'ok';
        note(`${bare} ${type}: ${JSON.stringify(answer)}`);
      }
    } catch (e) {
      status = statusOf(e);
      note(`${bare} ${type}: ${e instanceof DnsError ? e.code : (e as Error).message}`);
    }
    if (RANK[status] > RANK[best]) best = status;
    if (status === 'ok' || (status === 'inval' && o.stopInval) || (status === 'nullmx' && o.stopNullMx)) break;
  }
  return best;
}
