// The one typed API of the engine: every method the UI (IPC or HTTP) may call, its input and output.
// TYPES ONLY: the renderer does `import type` of this file, so it must never hold runtime code.
// Inputs are validated at runtime by inputs.ts (the allowlist); dispatch.ts turns every outcome,
// including errors, into a Reply. Every value here is JSON-safe: timestamps are epoch ms.
import type { NetworkClass, ListenerConfig } from '../config/schema';
import type { Dsn } from '../delivery/types';
import type { QueueState, RecipientStatus } from '../queue/states';
import type { StoredEvent } from '../trace/events';
import type { AuthDecision, AuthVerdict } from '../auth/types';

/** Milliseconds since the Unix epoch. */
export type EpochMs = number;

/** Input of the methods that take no arguments: an empty object ({} on the wire). */
export type NoInput = Record<never, never>;

export type ListenerRole = ListenerConfig['role'];
export type ListenerTls = NonNullable<ListenerConfig['tls']>;

/**
 * Paging shared by the list methods. Lists are newest first.
 * - limit: 1..1000, default 100 (inputs.ts fills the default before the implementation is called).
 * - before: cursor, epoch ms; only rows strictly older than this (pass the last row's time to page on).
 * - q: free-text filter, case-insensitive substring; an empty string means no filter.
 */
export interface ListPage {
  limit?: number;
  before?: EpochMs;
  q?: string;
}

// ---------------------------------------------------------------------------------------------
// sessions

/** An SMTP client endpoint. name is the verified reverse-DNS name, or "unknown" (Postfix style). */
export interface ClientEndpoint {
  ip: string;
  port: number;
  name: string;
}

/**
 * How a session ended (or that it has not):
 * - open: not closed yet;
 * - accepted: closed, and at least one message was accepted (queued);
 * - rejected: closed, no message accepted, and at least one 4xx/5xx reply refused something
 *   (connection, HELO, MAIL, RCPT or DATA);
 * - closed: closed with no message and no refusal (e.g. a probe that only sent EHLO and QUIT).
 */
export type SessionOutcome = 'open' | 'accepted' | 'rejected' | 'closed';

export interface SessionSummary {
  sid: string;
  openedAt: EpochMs;
  closedAt?: EpochMs;
  /** Listener name from the config (e.g. "mx") and its role. */
  listener: string;
  role: ListenerRole;
  /** The real TCP peer. */
  peer: ClientEndpoint;
  /** Network class of the real peer. */
  net: NetworkClass;
  /** Last HELO/EHLO argument, if any. */
  helo?: string;
  /** True once TLS is up (implicit TLS, or after a successful STARTTLS). */
  tls: boolean;
  /** SASL-authenticated user (or an XCLIENT LOGIN=), if any. */
  authUser?: string;
  /** Set when an authorized client used XCLIENT: who it claims to be from then on (policy uses this). */
  claimed?: ClientEndpoint & { net: NetworkClass; login?: string };
  /** Number of messages accepted in this session. */
  messages: number;
  /** Our last reply line to the client (e.g. "250 2.0.0 Ok: queued as 4B7x..."), if any. */
  lastReply?: string;
  outcome: SessionOutcome;
}

/** One line on the wire. seq is the trace event's sequence number (total order across sessions). */
export interface TranscriptLine {
  seq: number;
  at: EpochMs;
  /** C = from the client, S = from us. */
  dir: 'C' | 'S';
  /** The line without CRLF; AUTH payloads are already redacted. */
  line: string;
  /** On a server line: the check that produced this reply (e.g. "reject_unauth_destination"). */
  check?: string;
}

export interface SessionDetail {
  summary: SessionSummary;
  /** Every line of the conversation, in order. */
  lines: TranscriptLine[];
  /**
   * Every other trace event of this session, in seq order: session.open/close, tls, auth, xclient,
   * check, dns, message.accepted, message.refused. (The smtp lines are in `lines`, not here.)
   */
  events: StoredEvent[];
  /** Queue ids of the messages accepted in this session, in order. */
  messages: string[];
}

export type SessionsListInput = ListPage;
export interface SessionsGetInput {
  sid: string;
}

// ---------------------------------------------------------------------------------------------
// messages

export interface MessageSummary {
  /** Queue id. */
  id: string;
  /** Session it arrived in; absent for mail the engine made itself (a DSN). */
  sid?: string;
  arrivedAt: EpochMs;
  /** Envelope sender; '' for the null sender <>. */
  sender: string;
  /** Envelope recipients after alias expansion. */
  recipients: string[];
  /** Size in bytes of the spooled message (our added headers included). */
  size: number;
  state: QueueState;
  /** Subject header, MIME-decoded, if present. */
  subject?: string;
  /** From header, MIME-decoded, as written (display name and address), if present. */
  from?: string;
}

export interface EnvelopeRecipient {
  rcpt: string;
  /** The address given at RCPT TO, when alias expansion or SRS changed it. */
  orcpt?: string;
  status: RecipientStatus;
  /** Outcome of the latest delivery attempt for this recipient, if any. */
  lastDsn?: Dsn;
  attempts: number;
}

/** A header field: value as in the message, unfolded (CRLF WSP → WSP), leading space trimmed, not MIME-decoded. */
export interface HeaderField {
  name: string;
  value: string;
}

export interface DeliveryRecord {
  rcpt: string;
  at: EpochMs;
  /** Where it went: "local:<maildir>" or the next hop ("mx.example.net[127.0.0.10]:25"). */
  via: string;
  dsn: Dsn;
  /** 1 for the first attempt. */
  attempt: number;
}

/** One line of our SMTP conversation with a next hop while delivering this message. */
export interface DeliveryLine {
  at: EpochMs;
  /** The hop: "mx.example.net[127.0.0.10]:25". */
  via: string;
  /** C: we sent it; S: the next hop did. AUTH payloads are redacted. */
  dir: 'C' | 'S';
  line: string;
}

/** A move between queue states (from is null for the first entry into the queue). */
export interface QueueMove {
  at: EpochMs;
  from: QueueState | null;
  to: QueueState;
  reason?: string;
}

/** The client as policy saw it when the message was accepted (after XCLIENT, the claimed one). */
export interface MessageClient {
  ip: string;
  name: string;
  helo?: string;
  net: NetworkClass;
  authUser?: string;
  tls: boolean;
}

export interface MessageDetail {
  summary: MessageSummary;
  envelope: { sender: string; recipients: EnvelopeRecipient[] };
  /** Every header field in original order; the ones we prepended come first. */
  headers: HeaderField[];
  /** Names of the header fields we prepended (e.g. ["Received"]), in order; they are headers[0..n-1]. */
  headersAdded: string[];
  /** Every delivery attempt, oldest first. */
  deliveries: DeliveryRecord[];
  /** Our conversations with next hops for this message, line by line, oldest first. */
  deliveryLines: DeliveryLine[];
  /** Every queue state change, oldest first. */
  queueEvents: QueueMove[];
  /** Absent for mail the engine made itself (a DSN). */
  client?: MessageClient;
  /** SPF/DKIM/DMARC/ARC verdicts and the policy decision, when the message was verified. */
  auth?: { verdict: AuthVerdict; decision: AuthDecision };
  /** DKIM signing of mail from our own users, when it was attempted. */
  signing?: { signed: boolean; d?: string; s?: string; a?: string; reason?: string };
  /** virtual_alias_maps expansion of each recipient: table, key, line, result. */
  aliases?: { rcpt: string; steps: { address: string; table: string; key: string; line?: number; result: string[] }[]; result: string[] }[];
}

export interface MessagesListInput extends ListPage {
  state?: QueueState;
}
export interface MessagesGetInput {
  id: string;
}

/** Compose and send a message through one of the engine's own listeners, as a real SMTP client. */
export interface MessagesSendInput {
  /** Listener name from the config; the engine connects to that listener's own address and port. */
  listener: string;
  /** EHLO name the client uses (default "compose.relaylab.test"). */
  helo?: string;
  /** Envelope sender (MAIL FROM); '' for the null sender. */
  sender: string;
  /** Envelope recipients (RCPT TO), 1..100. */
  recipients: string[];
  /** The From header; default: the envelope sender. */
  from?: string;
  subject?: string;
  /** Plain-text body (Date, Message-ID, MIME-Version and a text/plain Content-Type are added). */
  text: string;
  /** Extra header fields, in order. */
  headers?: HeaderField[];
  /** Use STARTTLS when the listener offers it (default true). */
  starttls?: boolean;
  /** SMTP AUTH PLAIN (after TLS). The password is never stored or traced. */
  auth?: { user: string; password: string };
  /** XCLIENT before MAIL FROM: policy judges the message as if it came from this client. */
  xclient?: { addr: string; name?: string; helo?: string; login?: string };
}

export interface MessagesSendOutput {
  /** The session the engine's client opened (a normal session: open it in Sessions). */
  sid: string;
  /** True when the server answered 250 to the end of DATA. */
  accepted: boolean;
  /** Queue id, when accepted. */
  id?: string;
  /** The last server reply (the refusal, when not accepted). */
  reply: string;
}

/** The message source as spooled (our headers on top), base64; kept for queue.keep_delivered after delivery. */
export interface MessageRaw {
  id: string;
  size: number;
  base64: string;
}

// ---------------------------------------------------------------------------------------------
// queue

export interface QueueItem {
  id: string;
  state: QueueState;
  /** Envelope sender; '' for <>. */
  sender: string;
  /** Number of envelope recipients. */
  recipients: number;
  /** Recipients not yet delivered or failed (status pending or deferred). */
  pending: number;
  size: number;
  arrivedAt: EpochMs;
  /** Deferred messages: when the scheduler tries again. */
  nextAttemptAt?: EpochMs;
  /** Delivery attempts so far (the highest attempt number over its recipients). */
  attempts: number;
  /** The reason of the latest failed or deferred attempt (a DSN diagnostic or reason). */
  lastError?: string;
}

export interface QueueListInput {
  /** Without a state: every message still in the queue (all states except sent and bounced). */
  state?: QueueState;
  /** 1..1000, default 100. Newest first. */
  limit?: number;
}
/** Without an id: every deferred message becomes due now (postqueue -f). With an id: that message (postqueue -i). */
export interface QueueFlushInput {
  id?: string;
}
export interface QueueIdInput {
  id: string;
}

// ---------------------------------------------------------------------------------------------
// config and engine

export interface ConfigGetOutput {
  /** The effective config (every default filled in), as JSON. */
  config: unknown;
  /** Path of the config file it was loaded from; null when running on the embedded default. */
  path: string | null;
  /** The YAML text of that file as loaded; null when running on the embedded default. */
  source: string | null;
}

export interface ConfigValidateInput {
  /** YAML text of a whole config file (at most 512 KiB). */
  yaml: string;
}

export interface ConfigProblem {
  /** 1-based line in the YAML text, when known. */
  line?: number;
  /** Dotted path of the offending key, e.g. "listeners.0.port". */
  key?: string;
  message: string;
}

export type ConfigValidateOutput = { ok: true } | { ok: false; errors: ConfigProblem[] };

/**
 * config.apply: validate, save to the config file, and apply to the running engine where it can:
 * `applied` lists the sections live now (policy, auth, greylist); `restartNeeded` the changed
 * sections that take effect at the next start (listeners, domains, dns, ...).
 */
export type ConfigApplyOutput = { ok: true; savedTo: string; applied: string[]; restartNeeded: string[] } | { ok: false; errors: ConfigProblem[] };

export interface ListenerStatus {
  name: string;
  role: ListenerRole;
  address: string;
  /** The bound port (the real one when the config says 0). */
  port: number;
  tls: ListenerTls;
  listening: boolean;
  /** Why it is not listening (e.g. "port 25 in use"), when it is not. */
  error?: string;
}

export interface EngineStatus {
  hostname: string;
  /** The engine's package version. */
  version: string;
  listeners: ListenerStatus[];
  uptimeMs: number;
  /** Number of messages in each queue state. */
  queue: Record<QueueState, number>;
  /**
   * seq of the newest stored trace event (0 when none). A client that loaded lists can open
   * GET /api/events?since=<lastSeq> to get every later event without a gap.
   */
  lastSeq: number;
}

// ---------------------------------------------------------------------------------------------
// the API

/**
 * Every method: `noun.verb`, one input object, a Promise of a JSON-safe output.
 * Expected failures throw LabError (errors.ts) with a code from ErrorCode; dispatch() turns
 * everything into a Reply, so nothing crosses IPC/HTTP as a thrown error.
 * Inputs reaching an implementation through dispatch() are already validated, defaults filled.
 * (lab.scenarios and lab.run are added here with engine/lab; add the input schema in inputs.ts too.)
 */
export interface EngineApi {
  /** Sessions, newest first. q matches sid, peer ip, peer name, HELO and auth user. */
  'sessions.list'(i: SessionsListInput): Promise<SessionSummary[]>;
  /** One session with its transcript. SESSION.NOT_FOUND when unknown. */
  'sessions.get'(i: SessionsGetInput): Promise<SessionDetail>;
  /** Messages, newest first. q matches id, sender, recipients, subject and From. */
  'messages.list'(i: MessagesListInput): Promise<MessageSummary[]>;
  /** One message. MESSAGE.NOT_FOUND when unknown. */
  'messages.get'(i: MessagesGetInput): Promise<MessageDetail>;
  /** The message source (for the body, the MIME tree and .eml export). MESSAGE.NOT_FOUND, MESSAGE.NO_SOURCE. */
  'messages.raw'(i: MessagesGetInput): Promise<MessageRaw>;
  /** Send a composed message through a listener. SMTP refusals are values; SEND.* errors when it cannot connect. */
  'messages.send'(i: MessagesSendInput): Promise<MessagesSendOutput>;
  /** Queue contents, newest first. */
  'queue.list'(i: QueueListInput): Promise<QueueItem[]>;
  /** Make deferred mail due now; count = messages scheduled. QUEUE.NOT_FOUND / QUEUE.BAD_STATE (id not deferred or incoming). */
  'queue.flush'(i: QueueFlushInput): Promise<{ count: number }>;
  /** Put a message on hold (from incoming, active or deferred). QUEUE.NOT_FOUND / QUEUE.BAD_STATE. */
  'queue.hold'(i: QueueIdInput): Promise<QueueItem>;
  /** Release a held message (hold → incoming). QUEUE.NOT_FOUND / QUEUE.BAD_STATE (not on hold). */
  'queue.release'(i: QueueIdInput): Promise<QueueItem>;
  /** Delete a message and its spool file (postsuper -d); its trace stays. QUEUE.NOT_FOUND / QUEUE.BAD_STATE. */
  'queue.delete'(i: QueueIdInput): Promise<{ id: string }>;
  /** The effective config and where it came from. */
  'config.get'(i: NoInput): Promise<ConfigGetOutput>;
  /** Validate a config text without applying it. Problems are a value ({ ok: false }), not an error. */
  'config.validate'(i: ConfigValidateInput): Promise<ConfigValidateOutput>;
  /** Validate, save and apply a config text. Problems are a value; CONFIG.NO_FILE on the embedded default. */
  'config.apply'(i: ConfigValidateInput): Promise<ConfigApplyOutput>;
  /** What is running. */
  'engine.status'(i: NoInput): Promise<EngineStatus>;
}

export type ApiMethod = keyof EngineApi;
export type ApiInput<M extends ApiMethod> = Parameters<EngineApi[M]>[0];
export type ApiOutput<M extends ApiMethod> = Awaited<ReturnType<EngineApi[M]>>;

/** Named events pushed to the UI: the IPC channel lab:event and the SSE `event:` names. */
export interface EngineEvents {
  /** Every trace event as stored; on SSE: `id: <seq>`, `event: trace`, `data: <StoredEvent JSON>`. */
  trace: StoredEvent;
}

/**
 * Stable error codes, AREA.REASON. The UI may branch on these; never rename one.
 * API.* come from the transport and dispatch; the others from implementations (via LabError).
 */
export type ErrorCode =
  | 'API.UNKNOWN_METHOD' // no such method
  | 'API.NOT_IMPLEMENTED' // the method exists in the contract but this engine does not provide it
  | 'API.BAD_INPUT' // input failed validation, or the HTTP body was not JSON
  | 'API.INTERNAL' // an unexpected fault; details are in the engine log, never in the reply
  | 'API.UNAUTHORIZED' // HTTP: missing or wrong token
  | 'API.FORBIDDEN' // HTTP: Host/Origin not allowed
  | 'API.NOT_FOUND' // HTTP: no such path
  | 'API.METHOD_NOT_ALLOWED' // HTTP: wrong HTTP method for the path
  | 'API.TOO_LARGE' // HTTP: request body over the limit
  | 'SESSION.NOT_FOUND'
  | 'MESSAGE.NOT_FOUND'
  | 'MESSAGE.NO_SOURCE' // delivered longer ago than queue.keep_delivered, or too large to return
  | 'SEND.NO_LISTENER'
  | 'SEND.CONNECT_FAILED'
  | 'QUEUE.NOT_FOUND'
  | 'QUEUE.BAD_STATE' // the message is not in a state this action applies to
  | 'CONFIG.INVALID'
  | 'CONFIG.NO_FILE' // running on the embedded default: there is no file to save to
  | 'ENGINE.UNAVAILABLE'; // the engine is starting or stopping

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ApiError };
