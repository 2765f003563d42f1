// The trace: everything the engine does that a user may want to see. The UI renders only these.
// Every event carries the ids that apply (sid, txn, queue id), as Postfix prefixes log lines.
import type { NetworkClass } from '../config/schema';
import type { Dsn } from '../delivery/types';
import type { QueueState } from '../queue/states';
import type { Stage, Verdict } from '../policy/types';
import type { DnsQueryRecord } from '../dns/resolver.port';
import type { AuthDecision, AuthVerdict } from '../auth/types';

export interface Peer { ip: string; port: number; name: string; helo?: string }

export type TraceEvent =
  | { t: 'session.open'; sid: string; at: number; listener: string; role: 'mx' | 'submission'; local: { ip: string; port: number }; peer: Peer; net: NetworkClass; tls: boolean }
  | { t: 'session.close'; sid: string; at: number; reason?: string }
  /** One line on the wire. dir C = from the client, S = from us. AUTH payloads are redacted before this. */
  | { t: 'smtp'; sid: string; at: number; dir: 'C' | 'S'; line: string; check?: string }
  | { t: 'helo'; sid: string; at: number; helo: string; esmtp: boolean }
  | { t: 'tls'; sid: string; at: number; ok: boolean; protocol?: string; cipher?: string; error?: string }
  | { t: 'auth'; sid: string; at: number; ok: boolean; method: string; user: string; reason?: string }
  /** XCLIENT: the real peer stays in session.open; this is who the client claims to be from now on. */
  | { t: 'xclient'; sid: string; at: number; real: Peer; claimed: Peer & { net: NetworkClass; login?: string } }
  | { t: 'check'; sid: string; txn?: string; at: number; stage: Stage; list: string; check: string; verdict: Verdict; detail?: string }
  | { t: 'dns'; sid?: string; id?: string; at: number; query: DnsQueryRecord }
  /** virtual_alias_maps expansion of one accepted recipient: each table, key and line used. */
  | { t: 'alias'; sid: string; txn: string; at: number; rcpt: string; steps: { address: string; table: string; key: string; line?: number; result: string[] }[]; result: string[] }
  /** SPF/DKIM/DMARC/ARC verdicts with their reasoning, and what the policy made of them. */
  | { t: 'mailauth'; sid: string; txn: string; id: string; at: number; verdict: AuthVerdict; decision: AuthDecision }
  | { t: 'dkim.sign'; sid: string; txn: string; id: string; at: number; signed: boolean; d?: string; s?: string; a?: string; reason?: string }
  /** SRS: a forwarded copy's MAIL FROM rewritten (forward), or a bounce's recipient restored (reverse). */
  | { t: 'srs'; sid?: string; id?: string; at: number; direction: 'forward' | 'reverse'; from: string; to: string }
  | { t: 'arc.seal'; id: string; at: number; sealed: boolean; instance?: number; cv?: string; d?: string; s?: string; reason?: string }
  | { t: 'message.accepted'; sid: string; txn: string; id: string; at: number; sender: string; rcpts: string[]; size: number; headersAdded: string[] }
  | { t: 'message.refused'; sid: string; txn: string; at: number; code: number; reply: string }
  | { t: 'queue'; id: string; at: number; from: QueueState | null; to: QueueState; reason?: string }
  | { t: 'delivery'; id: string; at: number; rcpt: string; via: string; dsn: Dsn; attempt: number }
  /** One line of our conversation with a next hop, for the message it was about (AUTH redacted). */
  | { t: 'delivery.line'; id: string; at: number; via: string; dir: 'C' | 'S'; line: string }
  | { t: 'dsn'; id: string; at: number; to: string; sent: boolean; reason: string; dsnId?: string };

export type TraceEventType = TraceEvent['t'];

/** An event as stored and streamed: with its sequence number (SSE id, Last-Event-ID). */
export type StoredEvent = TraceEvent & { seq: number };
