// The real DNS: node:dns (c-ares) against the OS's servers or `servers`, with a small TTL cache.
//  - positive answers are cached for min(record TTL, cacheTtlMs) where node gives the TTL (A, AAAA;
//    TTL 0 = not cached), else cacheTtlMs; ENOTFOUND/ENODATA for min(60 s, cacheTtlMs); temporary
//    failures never; at most maxEntries (10,000), the oldest evicted first. cacheTtlMs 0 = no cache.
//  - a query never takes longer than timeoutMs x tries x servers: c-ares only notices timeouts on
//    node's 1-second tick, so a deadline of our own turns an overdue query into ETIMEOUT.
//  - invalid names are EBADNAME without a query; reverse() of loopback is ['localhost'] without one.
import { promises as dns } from 'node:dns';
import { DnsError, type AnswerOf, type DnsErrorCode, type RRType, type Resolver } from './resolver.port';
import { TtlCache } from './cache';
import { isLoopback, nameProblem, normalizeName, reverseName } from './names';
import { createQueryLog } from './query-log';
import { RR_TYPES } from './zone';

export interface SystemResolverOptions {
  /** "ip", "ip:port" or "[ipv6]:port"; default: the OS's resolv.conf servers. */
  servers?: string[];
  timeoutMs: number;
  tries: number;
  cacheTtlMs: number;
  maxEntries?: number;
  /** Clock for the cache (tests). */
  now?: () => number;
}

const NEGATIVE_TTL_MS = 60_000;
const SAME = new Set<string>(['ENOTFOUND', 'ENODATA', 'ESERVFAIL', 'ETIMEOUT', 'EREFUSED', 'ECONNREFUSED', 'EBADNAME', 'EFORMERR', 'EBADRESP']);
const MAPPED: Record<string, DnsErrorCode> = { ENONAME: 'EBADNAME', EBADSTR: 'EBADNAME', EBADQUERY: 'EFORMERR', ENOTIMP: 'EREFUSED', EOF: 'EBADRESP' };

/** node's error code -> ours; anything unknown (ECANCELLED, ENOMEM, ...) is a temporary ESERVFAIL. */
export function toDnsErrorCode(code: unknown): DnsErrorCode {
  if (typeof code !== 'string') return 'ESERVFAIL';
  return SAME.has(code) ? (code as DnsErrorCode) : MAPPED[code] ?? 'ESERVFAIL';
}

type Cached = { answer: unknown[] } | { error: DnsErrorCode };

export function createSystemResolver(opts: SystemResolverOptions): Resolver {
  if (!(opts.timeoutMs > 0)) throw new Error(`dns timeout must be more than 0 ms, got ${opts.timeoutMs}`);
  const res = new dns.Resolver({ timeout: opts.timeoutMs, tries: opts.tries });
  if (opts.servers?.length) {
    try {
      res.setServers(opts.servers);
    } catch (err) {
      throw new Error(`dns servers ${JSON.stringify(opts.servers)}: ${(err as Error).message}`);
    }
  }
  const budgetMs = opts.timeoutMs * opts.tries * Math.max(1, res.getServers().length);
  const now = opts.now ?? Date.now;
  const cache = new TtlCache<Cached>(opts.maxEntries ?? 10_000, now);
  const log = createQueryLog();

  /** One query to the servers: the answer and how long it may be cached. */
  async function ask(name: string, type: RRType): Promise<{ answer: unknown[]; ttlMs: number }> {
    if (type === 'A' || type === 'AAAA') {
      const rrs = await (type === 'A' ? res.resolve4(name, { ttl: true }) : res.resolve6(name, { ttl: true }));
      const ttl = Math.min(...rrs.map((r) => r.ttl));
      return { answer: rrs.map((r) => r.address), ttlMs: Math.min(ttl * 1000, opts.cacheTtlMs) };
    }
    const answer: unknown[] = await (type === 'MX' ? res.resolveMx(name) : type === 'TXT' ? res.resolveTxt(name)
      : type === 'PTR' ? res.resolvePtr(name) : type === 'CNAME' ? res.resolveCname(name) : res.resolveNs(name));
    return { answer, ttlMs: opts.cacheTtlMs };
  }

  function withDeadline<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('deadline'), { code: 'ETIMEOUT' })), budgetMs);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  async function resolve<T extends RRType>(name: string, type: T): Promise<AnswerOf[T]> {
    if (!RR_TYPES.has(type)) throw new TypeError(`unsupported DNS record type ${String(type)}`);
    const at = now();
    const key = normalizeName(name);
    const cacheKey = `${type} ${key}`;
    const report = (source: 'system' | 'cache', c: Cached) => {
      log.emit({ name: key, type, at, ms: now() - at, source, ...('answer' in c ? { answer: structuredClone(c.answer) } : c) });
      if ('error' in c) throw new DnsError(c.error, name, type);
      return c.answer as AnswerOf[T];
    };
    if (nameProblem(key)) return report('system', { error: 'EBADNAME' });
    const hit = cache.get(cacheKey);
    if (hit) return report('cache', 'answer' in hit ? { answer: structuredClone(hit.answer) } : hit);
    let got: Cached;
    try {
      const { answer, ttlMs } = await withDeadline(ask(key, type));
      got = { answer };
      cache.set(cacheKey, { answer: structuredClone(answer) }, ttlMs);
    } catch (err) {
      got = { error: toDnsErrorCode((err as NodeJS.ErrnoException).code) };
      if (got.error === 'ENOTFOUND' || got.error === 'ENODATA') cache.set(cacheKey, got, Math.min(NEGATIVE_TTL_MS, opts.cacheTtlMs));
    }
    return report('system', got);
  }

  return {
    resolve,
    async reverse(ip) {
      if (isLoopback(ip)) return ['localhost'];
      const arpa = reverseName(ip);
      if (arpa) return resolve(arpa, 'PTR');
      log.emit({ name: ip, type: 'PTR', at: now(), ms: 0, error: 'EBADNAME', source: 'system' });
      throw new DnsError('EBADNAME', ip, 'PTR');
    },
    onQuery: log.onQuery,
    close() {
      res.cancel();
      cache.clear();
    },
  };
}
