// The mail-authentication verdict and decision as the engine keeps them: our shapes, never
// mailauth's. Every field is JSON-safe (stored with the message, returned by messages.get), and
// this file imports nothing, so the API contract and the renderer can `import type` from it.

/** RFC 7208 §2.6 results (also the A-R spf results, RFC 8601 §2.7.2). */
export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';
/** RFC 8601 §2.7.1 dkim results. */
export type DkimResult = 'pass' | 'fail' | 'neutral' | 'policy' | 'none' | 'temperror' | 'permerror';
/** RFC 7489 §11.2 dmarc results. */
export type DmarcResult = 'pass' | 'fail' | 'none' | 'temperror' | 'permerror';
/** RFC 8617 §2.2 arc results. */
export type ArcResult = 'pass' | 'fail' | 'none';
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';
export type AlignmentMode = 'r' | 's';

/** Which step asked a DNS question. */
export type AuthPhase = 'spf' | 'spf-helo' | 'dkim' | 'arc' | 'dmarc';

/** One DNS query made while authenticating a message. */
export interface AuthDnsQuery {
  phase: AuthPhase;
  name: string;
  type: string;
  /** Epoch ms when asked. */
  at: number;
  ms: number;
  /** The answer in node:dns's shape (TXT: string[][]). */
  answer?: unknown;
  /** node:dns error code (ENOTFOUND = NXDOMAIN, ENODATA = NODATA, ETIMEOUT, ESERVFAIL, EBADNAME, EBADRESP...). */
  error?: string;
}

export interface SpfVerdict {
  result: SpfResult;
  /** The identity checked: MAIL FROM, or HELO for the null sender (RFC 7208 §2.4). */
  identity: 'mailfrom' | 'helo';
  /** The address checked (postmaster@<helo> for <>) and its domain. */
  sender: string;
  domain: string;
  clientIp: string;
  helo: string;
  /** The term that decided, e.g. "ip4:192.0.2.0/24", "include:_spf.example.net > -all"; absent when none did. */
  mechanism?: string;
  /** RFC 7208 §4.6.4: DNS-querying terms counted (limit 10) and void lookups (limit 2). */
  lookups: { count: number; limit: number; void: number; voidLimit: number };
  /** Human text as in Received-SPF's comment (without the receiver prefix). */
  comment: string;
  /** Why the result is none/temperror/permerror. */
  problem?: string;
  /** Every SPF record fetched during evaluation, in order (top record first, then include/redirect targets). */
  records: { domain: string; record: string }[];
}

export interface DkimSignatureVerdict {
  result: DkimResult;
  reason?: string;
  /** Tags as written in the signature (empty string when missing). */
  d: string;
  s: string;
  a: string;
  c: string;
  i?: string;
  /** h= as listed (lower case). */
  signedHeaders: string[];
  /** The body hash computed over the body as received matched bh= (not-checked: the signature was not processed). */
  bodyHash: 'pass' | 'fail' | 'not-checked';
  /** l= when present: only this many body octets are covered. */
  bodyLengthLimit?: number;
  keyType?: 'rsa' | 'ed25519';
  keyBits?: number;
  /** The key record (selector._domainkey.d TXT) as fetched. */
  keyRecord?: string;
  /** First 8 characters of b= (A-R header.b). */
  b8?: string;
  signedAt?: number;
  expiresAt?: number;
}

export interface DmarcVerdict {
  result: DmarcResult;
  reason?: string;
  /** RFC5322.From domain (absent when there is none usable) and its organizational domain (PSL). */
  fromDomain?: string;
  orgDomain?: string;
  /** The DMARC record used, and where it was found (_dmarc.<from> or _dmarc.<org>). */
  record?: string;
  recordDomain?: string;
  /** Tags from the record, defaults filled in. */
  tags?: { p: DmarcPolicy; sp?: DmarcPolicy; pct: number; adkim: AlignmentMode; aspf: AlignmentMode };
  /** p, or sp when the record came from the organizational domain for a subdomain From (RFC 7489 §6.6.3). */
  policyFound?: DmarcPolicy;
  /** pct sampling: was this message in the sample (policyFound applies) or not (next weaker policy). */
  sampled?: boolean;
  /** What the policy says for this message after pct (RFC 7489 §6.6.4). Only meaningful on fail. */
  policyApplied?: DmarcPolicy;
  /** What the domain owner asks us to do with this message: none on pass, policyApplied on fail. */
  disposition: DmarcPolicy;
  spf: { domain?: string; result: SpfResult; aligned: boolean; mode: AlignmentMode; counts: boolean };
  dkim: { d: string; result: DkimResult; aligned: boolean; counts: boolean }[];
  dkimMode: AlignmentMode;
}

export interface ArcSetInfo {
  i: number;
  seal: { d: string; s: string; a: string; cv: string; t?: number };
  messageSignature: { d: string; s: string; a: string; h: string[] };
  /** ARC-Authentication-Results of this set: the authserv-id and the results that hop recorded. */
  authResults: { authservId: string; text: string };
}

export interface ArcVerdict {
  result: ArcResult;
  reason?: string;
  /** Sets found, oldest first (empty when there is no chain or it could not be parsed). */
  sets: ArcSetInfo[];
  /** Result of the newest ARC-Message-Signature (must pass for the chain to pass). */
  latestMessageSignature?: { result: DkimResult; reason?: string };
  /** What the newest hop said (its ARC-Authentication-Results), parsed: "explains" a broken DKIM. */
  latestAuthResults?: { authservId: string; spf?: string; dkim: string[]; dmarc?: string };
  /** May we add our own set (RFC 8617 §5.1: not after a chain that already carries cv=fail). */
  sealable: boolean;
}

export interface AuthHeaders {
  /** Full header field, folded with CRLF TAB, no trailing CRLF. */
  authenticationResults: string;
  receivedSpf: string;
  /** The A-R value without "Authentication-Results: " (the ARC-Authentication-Results payload). */
  authResPayload: string;
}

export interface AuthVerdict {
  /** Set when the message's headers could not be examined (header-based methods are then permerror/none). */
  skipped?: string;
  spf: SpfVerdict;
  /** The HELO identity's own SPF result, when asked for (checkHelo). */
  spfHelo?: SpfVerdict;
  dkim: DkimSignatureVerdict[];
  dmarc: DmarcVerdict;
  arc: ArcVerdict;
  dnsQueries: AuthDnsQuery[];
  /** Queries made beyond the recorder's cap (not kept). */
  dnsQueriesDropped?: number;
  headers: AuthHeaders;
  ms: number;
}

/** auth.* settings decidePolicy reads (the config schema's `auth` section). */
export interface AuthPolicyConfig {
  /** enforce: p=reject → 550, quarantine → hold; report: only record. */
  dmarc: 'enforce' | 'report';
  spf_fail: 'accept' | 'reject';
  /** defer: answer 451 when a temporary DNS error leaves an enforced result open; accept: record only. */
  temperror: 'defer' | 'accept';
  /** ARC sealers (ARC-Seal d=) whose passing chain overrides a DMARC fail. */
  trusted_arc_sealers?: string[];
}

export interface AuthClient {
  /** SASL (or XCLIENT LOGIN=) authenticated. */
  authenticated: boolean;
  /** Network class of the client (after XCLIENT, the claimed one). */
  net: 'local' | 'vpn' | 'public';
}

export interface AuthDecision {
  action: 'accept' | 'reject' | 'defer' | 'hold';
  /** For reject/defer: the SMTP reply. For hold: text only (the reply is 250). */
  code?: number;
  status?: string;
  text?: string;
  /** One line for the trace: why this action. */
  reason: string;
}
