// The EngineApi backed by the engine's SQLite store, queue and config. Read-only except for
// the queue actions, which go through Queue (the only writer of queue state).
import fs from 'node:fs';
import type { Config } from '../config/schema';
import { ConfigError, parseConfig } from '../config/load';
import { checkConfig } from '../config/check';
import type { Db } from '../store/db';
import type { Queue, MessageRow } from '../queue/queue';
import { QueueError } from '../queue/queue';
import type { StoredEvent } from '../trace/events';
import { LabError } from './errors';
import { sendThroughListener, type SendTarget } from './send';
import type { TraceBus } from '../trace/bus';
import type { EngineApi, EngineStatus, HeaderField, ListenerStatus, MessageDetail, MessageSummary, QueueItem, SessionSummary } from './contract';

export interface ImplDeps {
  db: Db;
  queue: Queue;
  config: Config;
  configSource: string | null;
  listeners: () => ListenerStatus[];
  startedAt: number;
  version: string;
  lastSeq: () => number;
  /** Make trace writes still waiting for their batch visible to the reads below. */
  syncTrace: () => void;
  /** Where messages.send connects for a listener name (undefined: no such listener running). */
  sendTarget: (listener: string) => SendTarget | undefined;
  /** The trace bus, to find the session messages.send opened. */
  bus: TraceBus;
  /** Apply a validated config to the running engine where it can be; what needs a restart. */
  applyConfig: (next: Config) => { applied: string[]; restartNeeded: string[] };
}

const RAW_LIMIT = 10 * 1024 * 1024;

interface SessionRow {
  sid: string; opened_at: number; closed_at: number | null; listener: string; role: 'mx' | 'submission'; peer_ip: string; peer_port: number;
  peer_name: string; net: 'local' | 'vpn' | 'public'; helo: string | null; tls: number; auth_user: string | null; claimed_ip: string | null;
  messages: number; last_reply: string | null; outcome: SessionSummary['outcome'];
}

export function createApiImpl(d: ImplDeps): EngineApi {
  const { db, queue } = d;
  const like = (q?: string) => `%${(q ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

  const sessionSummary = (r: SessionRow): SessionSummary => ({
    sid: r.sid, openedAt: r.opened_at, ...(r.closed_at ? { closedAt: r.closed_at } : {}), listener: r.listener, role: r.role,
    peer: { ip: r.peer_ip, port: r.peer_port, name: r.peer_name }, net: r.net, ...(r.helo ? { helo: r.helo } : {}), tls: !!r.tls,
    ...(r.auth_user ? { authUser: r.auth_user } : {}), ...(r.claimed_ip ? { claimed: { ip: r.claimed_ip, port: 0, name: 'unknown', net: r.net } } : {}),
    messages: r.messages, ...(r.last_reply ? { lastReply: r.last_reply } : {}), outcome: r.closed_at ? r.outcome : 'open',
  });

  const recipientsOf = (id: string) => queue.recipients(id);
  const messageSummary = (m: MessageRow): MessageSummary => ({
    id: m.id, ...(m.sid ? { sid: m.sid } : {}), arrivedAt: m.arrived_at, sender: m.sender, recipients: recipientsOf(m.id).map((r) => r.rcpt),
    size: m.size, state: m.state, ...(m.subject ? { subject: m.subject } : {}), ...(m.from_hdr ? { from: m.from_hdr } : {}),
  });
  const queueItem = (m: MessageRow): QueueItem => {
    const rc = recipientsOf(m.id);
    return { id: m.id, state: m.state, sender: m.sender, recipients: rc.length, pending: rc.filter((r) => r.status === 'pending' || r.status === 'deferred').length,
      size: m.size, arrivedAt: m.arrived_at, ...(m.next_attempt_at ? { nextAttemptAt: m.next_attempt_at } : {}), attempts: m.attempts,
      ...(m.last_error ? { lastError: m.last_error } : {}) };
  };
  const events = (col: 'sid' | 'qid', v: string): StoredEvent[] =>
    (db.prepare(`SELECT seq, body FROM events WHERE ${col} = ? ORDER BY seq`).all(v) as { seq: number; body: string }[])
      .map((r) => ({ ...(JSON.parse(r.body) as StoredEvent), seq: r.seq }));
  const requireMessage = (id: string): MessageRow => {
    const m = queue.get(id);
    if (!m) throw new LabError('MESSAGE.NOT_FOUND', `no message ${id}`);
    return m;
  };
  const queueAction = <T>(fn: () => T): T => {
    try { return fn(); } catch (e) {
      if (e instanceof QueueError) throw new LabError(e.code, e.message);
      throw e;
    }
  };

  return {
    async 'sessions.list'(i) {
      d.syncTrace();
      const rows = db.prepare(`SELECT * FROM sessions WHERE opened_at < @before AND (@q = '' OR sid LIKE @like ESCAPE '\\'
        OR peer_ip LIKE @like ESCAPE '\\' OR peer_name LIKE @like ESCAPE '\\' OR helo LIKE @like ESCAPE '\\' OR auth_user LIKE @like ESCAPE '\\')
        ORDER BY opened_at DESC LIMIT @limit`).all({ before: i.before ?? Number.MAX_SAFE_INTEGER, q: i.q ?? '', like: like(i.q), limit: i.limit ?? 100 }) as SessionRow[];
      return rows.map(sessionSummary);
    },
    async 'sessions.get'({ sid }) {
      d.syncTrace();
      const r = db.prepare('SELECT * FROM sessions WHERE sid = ?').get(sid) as SessionRow | undefined;
      if (!r) throw new LabError('SESSION.NOT_FOUND', `no session ${sid}`);
      const all = events('sid', sid);
      const lines = all.filter((e): e is Extract<StoredEvent, { t: 'smtp' }> => e.t === 'smtp')
        .map((e) => ({ seq: e.seq, at: e.at, dir: e.dir, line: e.line, ...(e.check ? { check: e.check } : {}) }));
      const messages = all.filter((e) => e.t === 'message.accepted').map((e) => (e as Extract<StoredEvent, { t: 'message.accepted' }>).id);
      const summary = sessionSummary(r);
      const x = all.find((e) => e.t === 'xclient') as Extract<StoredEvent, { t: 'xclient' }> | undefined;
      if (x) summary.claimed = { ip: x.claimed.ip, port: x.claimed.port, name: x.claimed.name, net: x.claimed.net, ...(x.claimed.login ? { login: x.claimed.login } : {}) };
      return { summary, lines, events: all.filter((e) => e.t !== 'smtp'), messages };
    },
    async 'messages.list'(i) {
      d.syncTrace();
      const rows = db.prepare(`SELECT * FROM messages WHERE arrived_at < @before AND (@state IS NULL OR state = @state) AND (@q = ''
        OR id LIKE @like ESCAPE '\\' OR sender LIKE @like ESCAPE '\\' OR subject LIKE @like ESCAPE '\\' OR from_hdr LIKE @like ESCAPE '\\'
        OR id IN (SELECT message_id FROM recipients WHERE rcpt LIKE @like ESCAPE '\\')) ORDER BY arrived_at DESC LIMIT @limit`)
        .all({ before: i.before ?? Number.MAX_SAFE_INTEGER, state: i.state ?? null, q: i.q ?? '', like: like(i.q), limit: i.limit ?? 100 }) as MessageRow[];
      return rows.map(messageSummary);
    },
    async 'messages.get'({ id }) {
      d.syncTrace();
      const m = requireMessage(id);
      const ev = events('qid', id);
      const headers: HeaderField[] = parseHeaders(m.header_block);
      return {
        summary: messageSummary(m),
        envelope: { sender: m.sender, recipients: recipientsOf(id).map((r) => ({ rcpt: r.rcpt, ...(r.orig_rcpt !== r.rcpt ? { orcpt: r.orig_rcpt } : {}),
          status: r.status, ...(r.last_dsn ? { lastDsn: JSON.parse(r.last_dsn) } : {}), attempts: r.attempts })) },
        headers,
        headersAdded: JSON.parse(m.headers_added) as string[],
        deliveries: ev.filter((e): e is Extract<StoredEvent, { t: 'delivery' }> => e.t === 'delivery')
          .map((e) => ({ rcpt: e.rcpt, at: e.at, via: e.via, dsn: e.dsn, attempt: e.attempt })),
        deliveryLines: ev.filter((e): e is Extract<StoredEvent, { t: 'delivery.line' }> => e.t === 'delivery.line')
          .map((e) => ({ at: e.at, via: e.via, dir: e.dir, line: e.line })),
        queueEvents: ev.filter((e): e is Extract<StoredEvent, { t: 'queue' }> => e.t === 'queue')
          .map((e) => ({ at: e.at, from: e.from, to: e.to, ...(e.reason ? { reason: e.reason } : {}) })),
        ...authOf(ev),
        ...(m.sid ? { client: { ip: m.client_ip ?? '', name: m.client_name ?? 'unknown', ...(m.helo ? { helo: m.helo } : {}), net: m.net ?? 'public',
          ...(m.auth_user ? { authUser: m.auth_user } : {}), tls: !!m.tls } } : {}),
      };
    },
    async 'messages.raw'({ id }) {
      const m = requireMessage(id);
      const size = await fs.promises.stat(m.spool).then((st) => st.size, () => -1);
      if (size < 0) throw new LabError('MESSAGE.NO_SOURCE', `the source of ${id} is no longer kept (delivered longer ago than queue.keep_delivered)`);
      if (size > RAW_LIMIT) throw new LabError('MESSAGE.NO_SOURCE', `${id} is ${size} bytes; the API returns sources up to ${RAW_LIMIT} bytes`);
      return { id, size, base64: (await fs.promises.readFile(m.spool)).toString('base64') };
    },
    async 'messages.send'(i) {
      const target = d.sendTarget(i.listener);
      if (!target) throw new LabError('SEND.NO_LISTENER', `no running listener is called "${i.listener}"`);
      // The session's id: the session.open whose peer port is our client's local port.
      const opened = new Map<number, string>();
      const unsub = d.bus.subscribe((e) => { if (e.t === 'session.open') opened.set(e.peer.port, e.sid); });
      try {
        return await sendThroughListener(i, target, async (port) => opened.get(port) ?? '');
      } finally {
        unsub();
      }
    },
    async 'queue.list'(i) {
      return queue.list(i.state, i.limit ?? 100).map(queueItem);
    },
    async 'queue.flush'(i) {
      return { count: queueAction(() => queue.flush(i.id)) };
    },
    async 'queue.hold'({ id }) {
      queueAction(() => queue.hold(id));
      return queueItem(requireMessage(id));
    },
    async 'queue.release'({ id }) {
      queueAction(() => queue.release(id));
      return queueItem(requireMessage(id));
    },
    async 'queue.delete'({ id }) {
      queueAction(() => queue.delete(id));
      return { id };
    },
    async 'config.get'() {
      const { baseDir: _b, ...config } = d.config;
      return { config, path: d.configSource, source: d.configSource ? fs.readFileSync(d.configSource, 'utf8') : null };
    },
    async 'config.validate'({ yaml }) {
      try {
        parseConfig(yaml, d.configSource ?? 'config.yaml');
        return { ok: true };
      } catch (e) {
        if (e instanceof ConfigError) return { ok: false, errors: e.issues.map((x) => ({ ...(x.line ? { line: x.line } : {}), ...(x.key ? { key: x.key } : {}), message: x.message })) };
        throw e;
      }
    },
    async 'config.apply'({ yaml }) {
      const file = d.configSource;
      let next: Config;
      try {
        next = parseConfig(yaml, file ?? 'config.yaml');
        checkConfig(next, file ?? 'config.yaml');
      } catch (e) {
        if (e instanceof ConfigError) return { ok: false, errors: e.issues.map((x) => ({ ...(x.line ? { line: x.line } : {}), ...(x.key ? { key: x.key } : {}), message: x.message })) };
        throw e;
      }
      if (!file) throw new LabError('CONFIG.NO_FILE', 'this engine runs on the embedded default: start it with --config FILE to edit a config');
      // Atomically: a crash never leaves half a config file behind.
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, yaml, { mode: 0o600 });
      await fs.promises.rename(tmp, file);
      return { ok: true, savedTo: file, ...d.applyConfig(next) };
    },
    async 'engine.status'(): Promise<EngineStatus> {
      d.syncTrace();
      return { hostname: d.config.hostname, version: d.version, listeners: d.listeners(), uptimeMs: Date.now() - d.startedAt, queue: queue.counts(), lastSeq: d.lastSeq() };
    },
  };
}

/** The verification, signing and alias records of one message, from its trace. */
function authOf(ev: StoredEvent[]): Pick<MessageDetail, 'auth' | 'signing' | 'aliases'> {
  const a = ev.find((e): e is Extract<StoredEvent, { t: 'mailauth' }> => e.t === 'mailauth');
  const s = ev.find((e): e is Extract<StoredEvent, { t: 'dkim.sign' }> => e.t === 'dkim.sign');
  const aliases = ev.filter((e): e is Extract<StoredEvent, { t: 'alias' }> => e.t === 'alias').map((e) => ({ rcpt: e.rcpt, steps: e.steps, result: e.result }));
  return {
    ...(a ? { auth: { verdict: a.verdict, decision: a.decision } } : {}),
    ...(s ? { signing: { signed: s.signed, ...(s.d ? { d: s.d } : {}), ...(s.s ? { s: s.s } : {}), ...(s.a ? { a: s.a } : {}), ...(s.reason ? { reason: s.reason } : {}) } } : {}),
    ...(aliases.length ? { aliases } : {}),
  };
}

/** Split a header block into fields, in order, unfolded. */
export function parseHeaders(block: string): HeaderField[] {
  const out: HeaderField[] = [];
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
      (out[out.length - 1] as HeaderField).value += ` ${line.trim()}`;
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out.push({ name: line.slice(0, i), value: Buffer.from(line.slice(i + 1).trim(), 'latin1').toString('utf8') });
  }
  return out;
}
