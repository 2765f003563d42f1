// A per-message view of the engine resolver: every query made while authenticating one message is
// kept (name, type, answer or error code, time, which step asked). It also hardens the resolver
// for mailauth: answers of the wrong shape become EBADRESP, a query that hangs becomes ETIMEOUT,
// and once the message's DNS time budget is spent every further query fails at once (ETIMEOUT).
import net from 'node:net';
import { asMailauthResolver, DnsError, type DnsErrorCode, type RRType, type Resolver } from '../dns/resolver.port';
import type { AuthDnsQuery, AuthPhase } from './types';
import type { MailauthResolver } from './mailauth-lib';

export interface RecorderOptions {
  /** One query may take this long before it counts as ETIMEOUT (default 10 s). */
  queryTimeoutMs?: number;
  /** All queries of one message together (default 30 s); after that, ETIMEOUT without asking. */
  budgetMs?: number;
  /** Keep at most this many query records (default 500); later ones are counted, not kept. */
  maxRecords?: number;
}

export interface DnsRecorder {
  /** mailauth's (name, type) resolver, tagging each query with `phase`. */
  forPhase(phase: AuthPhase): MailauthResolver;
  readonly queries: AuthDnsQuery[];
  /** Queries made but not kept (over maxRecords). */
  readonly dropped: number;
}

const TYPES: ReadonlySet<string> = new Set<RRType>(['A', 'AAAA', 'MX', 'TXT', 'PTR', 'CNAME', 'NS']);

/** Why an answer is not in node's shape for `type`, or undefined when it is. */
export function answerProblem(type: string, answer: unknown): string | undefined {
  if (!Array.isArray(answer)) return 'answer is not a list';
  for (const rr of answer as unknown[]) {
    switch (type) {
      case 'TXT':
        if (!Array.isArray(rr) || !(rr as unknown[]).every((s) => typeof s === 'string')) return 'TXT record is not a list of strings';
        break;
      case 'A':
        if (typeof rr !== 'string' || !net.isIPv4(rr)) return `A record ${JSON.stringify(rr)} is not an IPv4 address`;
        break;
      case 'AAAA':
        if (typeof rr !== 'string' || !net.isIPv6(rr)) return `AAAA record ${JSON.stringify(rr)} is not an IPv6 address`;
        break;
      case 'MX': {
        const mx = rr as { exchange?: unknown; priority?: unknown } | null;
        if (!mx || typeof mx.exchange !== 'string' || typeof mx.priority !== 'number') return 'MX record is not {exchange, priority}';
        break;
      }
      default:
        if (typeof rr !== 'string') return `${type} record is not a name`;
    }
  }
  return undefined;
}

export function createDnsRecorder(resolver: Resolver, opts: RecorderOptions = {}): DnsRecorder {
  const queryTimeoutMs = opts.queryTimeoutMs ?? 10_000;
  const budgetMs = opts.budgetMs ?? 30_000;
  const maxRecords = opts.maxRecords ?? 500;
  const started = Date.now();
  const base = asMailauthResolver(resolver);
  const queries: AuthDnsQuery[] = [];
  let dropped = 0;
  let budgetSpent = false; // set when a wait capped by the budget runs out (timers may fire a hair early)

  const keep = (q: AuthDnsQuery) => {
    if (queries.length < maxRecords) queries.push(q);
    else dropped++;
  };

  async function ask(phase: AuthPhase, name: string, type: string): Promise<unknown> {
    const at = Date.now();
    const rrtype = String(type).toUpperCase();
    const done = (code: DnsErrorCode | undefined, answer?: unknown): unknown => {
      const q: AuthDnsQuery = { phase, name: String(name), type: rrtype, at, ms: Date.now() - at };
      if (code) q.error = code;
      else q.answer = structuredClone(answer); // mailauth sorts some answers in place
      keep(q);
      if (code) throw new DnsError(code, String(name), rrtype as RRType);
      return answer;
    };
    if (!TYPES.has(rrtype) || typeof name !== 'string' || name.length === 0) return done('EBADNAME');
    if (budgetSpent || at - started >= budgetMs) return done('ETIMEOUT');
    let timer: NodeJS.Timeout | undefined;
    let answer: unknown;
    try {
      const left = budgetMs - (at - started);
      const wait = Math.max(1, Math.min(queryTimeoutMs, left));
      answer = await Promise.race([
        base(name, rrtype),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            if (wait >= left) budgetSpent = true;
            reject(new DnsError('ETIMEOUT', name, rrtype as RRType));
          }, wait);
        }),
      ]);
    } catch (e) {
      // Anything but a DnsError from a resolver (a bug, a TypeError) is a server failure, never a crash.
      return done(e instanceof DnsError ? e.code : 'ESERVFAIL');
    } finally {
      if (timer) clearTimeout(timer);
    }
    return answerProblem(rrtype, answer) ? done('EBADRESP') : done(undefined, answer);
  }

  return {
    forPhase: (phase) => (name, type) => ask(phase, name, type),
    queries,
    get dropped() { return dropped; },
  };
}
