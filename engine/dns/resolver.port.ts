// The one DNS interface of the engine (MX now; SPF/DKIM/DMARC/DNSBL later).
// Same contract as node's dns.promises.resolve(name, type) so mailauth can take it as is:
// answers in node's shapes, failures thrown as DnsError with node's codes.

export type RRType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'PTR' | 'CNAME' | 'NS';
export interface MxRecord { exchange: string; priority: number }

export interface AnswerOf {
  A: string[];
  AAAA: string[];
  MX: MxRecord[];
  /** One entry per record; each record is its character-strings (node's shape). */
  TXT: string[][];
  PTR: string[];
  CNAME: string[];
  NS: string[];
}

/**
 * node:dns error codes we produce. ENOTFOUND = NXDOMAIN, ENODATA = NOERROR with no answer
 * (NODATA), ESERVFAIL and ETIMEOUT are temporary, EBADNAME/EFORMERR permanent.
 */
export type DnsErrorCode = 'ENOTFOUND' | 'ENODATA' | 'ESERVFAIL' | 'ETIMEOUT' | 'EREFUSED' | 'ECONNREFUSED' | 'EBADNAME' | 'EFORMERR' | 'EBADRESP';

export class DnsError extends Error {
  constructor(readonly code: DnsErrorCode, readonly hostname: string, readonly rrtype: RRType) {
    super(`query${rrtype} ${code} ${hostname}`);
    this.name = 'DnsError';
  }
  /** NXDOMAIN or NODATA: a definite "no such record", not a failure. */
  get isNotFound(): boolean { return this.code === 'ENOTFOUND' || this.code === 'ENODATA'; }
  /** Worth retrying later (Postfix: a temporary lookup failure). */
  get isTemporary(): boolean { return !this.isNotFound && this.code !== 'EBADNAME' && this.code !== 'EFORMERR'; }
}

/** One query as the trace records it. */
export interface DnsQueryRecord {
  name: string;
  type: RRType;
  at: number;
  ms: number;
  answer?: unknown;
  error?: DnsErrorCode;
  source: 'zone' | 'system' | 'cache';
}

export interface Resolver {
  resolve<T extends RRType>(name: string, type: T): Promise<AnswerOf[T]>;
  /** PTR names for an IP address; loopback is always ['localhost'] without a query. */
  reverse(ip: string): Promise<string[]>;
  /** Listen to every query made (for the trace); returns an unsubscribe function. */
  onQuery(fn: (q: DnsQueryRecord) => void): () => void;
  close?(): void;
}

/** mailauth's `resolver` option: (name, rrtype) => Promise<answer>. */
export function asMailauthResolver(r: Resolver): (name: string, type: string) => Promise<unknown> {
  return (name, type) => r.resolve(name, type as RRType);
}
