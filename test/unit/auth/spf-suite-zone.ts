// A Resolver built from one scenario's `zonedata` of the openspf RFC 7208 test suite
// (/work/shared/conformance/spf/rfc7208-tests.yml), failing the way node:dns fails:
//   name not in the zone → ENOTFOUND (NXDOMAIN); name present, no record of the type → ENODATA;
//   TIMEOUT → ETIMEOUT; a name DNS cannot carry (empty label, label > 63, > 253) → EBADNAME.
// Zone-data conventions follow the suite's reference driver (pyspf test/testspf.py):
//   - a bare TIMEOUT entry times out every type not answered by an entry listed before it;
//   - `TYPE: TIMEOUT` times out that type; `TYPE: NONE` adds nothing (a TXT: NONE only stops the
//     SPF-to-TXT duplication below);
//   - SPF (type 99) entries are served as TXT when the name lists no TXT entry at all (RFC 7208
//     dropped type SPF; the suite relies on this duplication);
//   - a TXT/SPF value that is a list is one record made of several character-strings;
//   - CNAMEs are followed (at most 8 hops; a loop is ESERVFAIL, as the engine's zone does).
import { DnsError, type AnswerOf, type RRType, type Resolver } from '../../../engine/dns/resolver.port';

type Entry = string | Record<string, unknown>;
export type SuiteZone = Record<string, Entry[]>;

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function badName(n: string): boolean {
  if (n === '' || n.length > 253) return true;
  return n.split('.').some((l) => l.length === 0 || l.length > 63);
}

/** The suite's entries as typed records: [type, value] pairs plus TIMEOUT markers, in order. */
function prepare(entries: Entry[]): (['TIMEOUT'] | [string, unknown])[] {
  const out: (['TIMEOUT'] | [string, unknown])[] = [];
  const hasTxt = entries.some((e) => typeof e === 'object' && e !== null && 'TXT' in e);
  const generated: [string, unknown][] = [];
  for (const e of entries) {
    if (typeof e === 'string') { out.push(['TIMEOUT']); continue; }
    for (const [t, v] of Object.entries(e ?? {})) {
      if (t === 'SPF') { if (!hasTxt && v !== 'NONE') generated.push(['TXT', v]); continue; }
      if (v === 'NONE') continue; // no record (and, as in pyspf, it does not count as one of the type)
      out.push([t, v]);
    }
  }
  return [...out, ...generated];
}

export function createSuiteResolver(zonedata: SuiteZone | undefined): Resolver {
  const zone = new Map<string, (['TIMEOUT'] | [string, unknown])[]>();
  for (const [name, entries] of Object.entries(zonedata ?? {})) zone.set(normalize(name), prepare(entries ?? []));

  function lookup(name: string, type: RRType, hops: number): unknown[] {
    const n = normalize(name);
    if (badName(n)) throw new DnsError('EBADNAME', name, type);
    const entries = zone.get(n);
    if (!entries) throw new DnsError('ENOTFOUND', name, type);
    const answers: unknown[] = [];
    let seenType = false;
    let cname: string | undefined;
    for (const e of entries) {
      if (e[0] === 'TIMEOUT' && e.length === 1) {
        if (!seenType) throw new DnsError('ETIMEOUT', name, type);
        break;
      }
      const [t, v] = e as [string, unknown];
      if (t === 'CNAME' && typeof v === 'string') cname = v;
      if (t !== type) continue;
      seenType = true;
      if (v === 'TIMEOUT') throw new DnsError('ETIMEOUT', name, type);
      if (type === 'TXT') answers.push(Array.isArray(v) ? v.map(String) : [String(v)]);
      else if (type === 'MX') { const [p, x] = v as [number, string]; answers.push({ priority: Number(p), exchange: normalize(String(x)) }); }
      else answers.push(type === 'A' || type === 'AAAA' ? String(v) : normalize(String(v)));
    }
    if (answers.length) return answers;
    if (cname && type !== 'CNAME') {
      if (hops >= 8) throw new DnsError('ESERVFAIL', name, type);
      return lookup(cname, type, hops + 1);
    }
    throw new DnsError('ENODATA', name, type);
  }

  return {
    async resolve<T extends RRType>(name: string, type: T): Promise<AnswerOf[T]> {
      return lookup(name, type, 0) as AnswerOf[T];
    },
    async reverse(ip: string): Promise<string[]> {
      const arpa = ip.includes(':') ? undefined : `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
      if (!arpa) throw new DnsError('ENOTFOUND', ip, 'PTR');
      return lookup(arpa, 'PTR', 0) as string[];
    },
    onQuery: () => () => {},
  };
}
