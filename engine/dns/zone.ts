// The lab zone: answers only from its own records, as a recursive resolver in front of an
// authoritative server for them would. Offline and deterministic (zone mode, tests).
//  - names are case-insensitive, a trailing dot is ignored;
//  - listed name, type it lacks -> ENODATA; unlisted name -> ENOTFOUND (or `miss`, in overlay mode);
//  - { SERVFAIL: true } -> ESERVFAIL; { TIMEOUT: true } -> ETIMEOUT at once, without waiting
//    (the caller sees the same error a real timeout gives; TIMEOUT wins if both are set);
//  - a CNAME is followed for every other type, at most 8 hops; a loop or longer chain -> ESERVFAIL;
//  - PTR: records live under in-addr.arpa / ip6.arpa names; a key that is an IP address
//    ("127.0.0.10": { PTR: [...] }) is stored under that address's arpa name, so both spellings work
//    (if both are given, the arpa-name key listed later wins per type, like any duplicate key);
//  - reverse() of a loopback address is ['localhost'] without a lookup (and without a query record).
import { isIPv4, isIPv6 } from 'node:net';
import type { ZoneRecord } from '../config/schema';
import { DnsError, type AnswerOf, type DnsErrorCode, type RRType, type Resolver } from './resolver.port';
import { isLoopback, nameProblem, normalizeName, reverseName } from './names';
import { createQueryLog } from './query-log';
import type { ZoneEntries } from './zone-file';

/** Where names the zone does not list go (overlay mode). Without it they are ENOTFOUND. */
export type Miss = <T extends RRType>(name: string, type: T) => Promise<AnswerOf[T]>;

export interface ZoneResolver extends Resolver {
  resolve<T extends RRType>(name: string, type: T, miss?: Miss): Promise<AnswerOf[T]>;
  reverse(ip: string, miss?: Miss): Promise<string[]>;
  /** The zone lists this name (with any data, or none). */
  has(name: string): boolean;
}

const MAX_CNAME_HOPS = 8;
export const RR_TYPES: ReadonlySet<string> = new Set<RRType>(['A', 'AAAA', 'MX', 'TXT', 'PTR', 'CNAME', 'NS']);

type Outcome = { answer: unknown[] } | { error: DnsErrorCode } | { miss: string };

/** A zone key: a normalized name, or the arpa name when the key is an IP address. */
function keyOf(raw: string): string {
  const n = normalizeName(raw);
  return (n.endsWith('.arpa') ? undefined : reverseName(n)) ?? n;
}

function check(key: string, rec: ZoneRecord): void {
  const bad = (why: string) => new Error(`dns zone: ${key}: ${why}`);
  for (const a of rec.A ?? []) if (!isIPv4(a)) throw bad(`A '${a}' is not an IPv4 address`);
  for (const a of rec.AAAA ?? []) if (!isIPv6(a)) throw bad(`AAAA '${a}' is not an IPv6 address`);
  if (!rec.CNAME?.length) return;
  if (rec.CNAME.length > 1) throw bad(`more than one CNAME (${rec.CNAME.join(', ')})`);
  const others = (['A', 'AAAA', 'MX', 'TXT', 'PTR', 'NS'] as const).filter((t) => rec[t]?.length);
  if (others.length) throw bad(`has a CNAME and other data (${others.join(' ')}); a CNAME must stand alone`);
}

/** Merges the layers in order (a later layer wins per name and type), then checks each name. */
function build(layers: ZoneEntries[]): Map<string, ZoneRecord> {
  const zone = new Map<string, ZoneRecord>();
  for (const layer of layers) {
    for (const [raw, rec] of Object.entries(layer)) {
      const key = keyOf(raw);
      const problem = nameProblem(key);
      if (problem) throw new Error(`dns zone: '${raw}': ${problem}`);
      const defined = Object.entries(rec).filter(([, v]) => v !== undefined);
      zone.set(key, { ...zone.get(key), ...Object.fromEntries(defined) });
    }
  }
  for (const [key, rec] of zone) check(key, rec);
  return zone;
}

/** node's answer shape for one type, or undefined when the record has none of it. */
function answerOf(rec: ZoneRecord, type: RRType): unknown[] | undefined {
  const host = (s: string) => s.replace(/\.$/, '');
  const list: unknown[] | undefined =
    type === 'MX' ? rec.MX?.map(([priority, exchange]) => ({ exchange: host(exchange), priority }))
    : type === 'TXT' ? rec.TXT?.map((t) => (typeof t === 'string' ? [t] : [...t]))
    : type === 'A' || type === 'AAAA' ? rec[type]?.slice()
    : rec[type]?.map(host);
  return list?.length ? list : undefined;
}

/**
 * The lab zone from config records, plus `extra` entries (a parsed zone file) underneath them:
 * on a conflict the config records win per name and type. Throws on a malformed zone
 * (bad address, CNAME with other data, invalid name).
 */
export function createZoneResolver(records: Record<string, ZoneRecord>, extra?: ZoneEntries): ZoneResolver {
  const zone = build(extra ? [extra, records] : [records]);
  const log = createQueryLog();

  function walk(name: string, type: RRType): Outcome {
    let cur = normalizeName(name);
    if (nameProblem(cur)) return { error: 'EBADNAME' };
    const seen = new Set<string>();
    for (;;) {
      const rec = zone.get(cur);
      if (!rec) return { miss: cur };
      if (rec.TIMEOUT) return { error: 'ETIMEOUT' };
      if (rec.SERVFAIL) return { error: 'ESERVFAIL' };
      const answer = answerOf(rec, type);
      if (answer) return { answer };
      const target = type === 'CNAME' ? undefined : rec.CNAME?.[0];
      if (!target) return { error: 'ENODATA' };
      seen.add(cur);
      cur = normalizeName(target);
      if (seen.has(cur) || seen.size > MAX_CNAME_HOPS) return { error: 'ESERVFAIL' };
    }
  }

  async function resolve<T extends RRType>(name: string, type: T, miss?: Miss): Promise<AnswerOf[T]> {
    if (!RR_TYPES.has(type)) throw new TypeError(`unsupported DNS record type ${String(type)}`);
    const at = Date.now();
    let outcome = walk(name, type);
    if ('miss' in outcome) {
      if (miss) return miss(outcome.miss, type); // the other resolver reports that query itself
      outcome = { error: 'ENOTFOUND' };
    }
    const q = { name: normalizeName(name), type, at, ms: Date.now() - at, source: 'zone' as const };
    if ('answer' in outcome) {
      log.emit({ ...q, answer: structuredClone(outcome.answer) });
      return outcome.answer as AnswerOf[T];
    }
    log.emit({ ...q, error: outcome.error });
    throw new DnsError(outcome.error, name, type);
  }

  return {
    resolve,
    async reverse(ip, miss) {
      if (isLoopback(ip)) return ['localhost'];
      const arpa = reverseName(ip);
      if (arpa) return resolve(arpa, 'PTR', miss);
      log.emit({ name: ip, type: 'PTR', at: Date.now(), ms: 0, error: 'EBADNAME', source: 'zone' });
      throw new DnsError('EBADNAME', ip, 'PTR');
    },
    has: (name) => zone.has(keyOf(name)),
    onQuery: log.onQuery,
  };
}
