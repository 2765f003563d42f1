// The durable queue: message and recipient rows in SQLite, content in spool files.
// `move()` is the only writer of a message's state and records every move in the trace.
// The queue never touches the network.
import fs from 'node:fs';
import type { Db } from '../store/db';
import type { GroupCommitter } from '../store/committer';
import type { TraceBus } from '../trace/bus';
import type { Dsn } from '../delivery/types';
import type { NetworkClass } from '../config/schema';
import { canMove, QUEUE_STATES, type QueueState, type RecipientStatus } from './states';

export interface NewMessage {
  id: string;
  sid: string;
  txn: string;
  sender: string;
  recipients: { rcpt: string; orig: string }[];
  size: number;
  spool: string;
  client: { ip: string; name: string; helo?: string; net: NetworkClass; authUser?: string; tls: boolean };
  subject?: string;
  from?: string;
  headersAdded: string[];
  /** Header block as spooled (ours first), for messages.get after the spool file is gone. */
  headerBlock: string;
  isReport: boolean;
  /** Where the message starts its life: incoming (deliver) or hold. */
  state?: 'incoming' | 'hold';
}

export interface MessageRow {
  id: string; sid: string | null; txn: string | null; arrived_at: number; sender: string; size: number; spool: string;
  state: QueueState; attempts: number; next_attempt_at: number | null; last_error: string | null;
  client_ip: string | null; client_name: string | null; helo: string | null; net: NetworkClass | null; auth_user: string | null;
  tls: number; subject: string | null; from_hdr: string | null; headers_added: string; header_block: string; is_report: number; updated_at: number;
}

export interface RecipientRow {
  message_id: string; idx: number; rcpt: string; orig_rcpt: string; status: RecipientStatus; attempts: number; last_dsn: string | null;
}

export class QueueError extends Error {
  constructor(readonly code: 'QUEUE.NOT_FOUND' | 'QUEUE.BAD_STATE', message: string) { super(message); }
}

export class Queue {
  private readonly st;
  /** Called whenever a message becomes deliverable now (the scheduler wakes up). */
  onReady: () => void = () => {};

  constructor(private readonly db: Db, private readonly committer: GroupCommitter, private readonly bus: TraceBus) {
    this.st = {
      insertMsg: db.prepare(`INSERT INTO messages (id, sid, txn, arrived_at, sender, size, spool, state, client_ip, client_name, helo, net,
        auth_user, tls, subject, from_hdr, headers_added, header_block, is_report, updated_at) VALUES (@id, @sid, @txn, @at, @sender, @size, @spool, @state,
        @ip, @name, @helo, @net, @auth, @tls, @subject, @from, @added, @headers, @report, @at)`),
      insertRcpt: db.prepare('INSERT INTO recipients (message_id, idx, rcpt, orig_rcpt, status) VALUES (?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM messages WHERE id = ?'),
      rcpts: db.prepare('SELECT * FROM recipients WHERE message_id = ? ORDER BY idx'),
      move: db.prepare('UPDATE messages SET state = @to, updated_at = @now, next_attempt_at = @next, last_error = COALESCE(@err, last_error) WHERE id = @id AND state = @from'),
      due: db.prepare(`SELECT id FROM messages WHERE state = 'incoming' OR (state = 'deferred' AND next_attempt_at <= ?) ORDER BY arrived_at LIMIT ?`),
      nextDue: db.prepare(`SELECT MIN(next_attempt_at) AS t FROM messages WHERE state = 'deferred'`),
      setRcpt: db.prepare('UPDATE recipients SET status = @status, attempts = attempts + 1, last_dsn = @dsn WHERE message_id = @id AND idx = @idx'),
      bumpAttempts: db.prepare('UPDATE messages SET attempts = attempts + 1 WHERE id = ?'),
      del: db.prepare('DELETE FROM messages WHERE id = ?'),
      counts: db.prepare('SELECT state, COUNT(*) AS n FROM messages GROUP BY state'),
      stuckActive: db.prepare(`SELECT id FROM messages WHERE state = 'active'`),
      flushAll: db.prepare(`UPDATE messages SET next_attempt_at = ? WHERE state = 'deferred'`),
    };
  }

  /** Make a received message durable. Resolves only after the rows are committed to disk. */
  async enqueue(m: NewMessage): Promise<void> {
    const state = m.state ?? 'incoming';
    const now = Date.now();
    await this.committer.durable(() => {
      this.st.insertMsg.run({ id: m.id, sid: m.sid, txn: m.txn, at: now, sender: m.sender, size: m.size, spool: m.spool, state,
        ip: m.client.ip, name: m.client.name, helo: m.client.helo ?? null, net: m.client.net, auth: m.client.authUser ?? null,
        tls: m.client.tls ? 1 : 0, subject: m.subject ?? null, from: m.from ?? null, added: JSON.stringify(m.headersAdded), headers: m.headerBlock, report: m.isReport ? 1 : 0 });
      m.recipients.forEach((r, i) => this.st.insertRcpt.run(m.id, i, r.rcpt, r.orig, 'pending'));
    });
    this.bus.emit({ t: 'queue', id: m.id, at: now, from: null, to: state });
    if (state === 'incoming') this.onReady();
  }

  get(id: string): MessageRow | undefined {
    return this.st.get.get(id) as MessageRow | undefined;
  }

  recipients(id: string): RecipientRow[] {
    return this.st.rcpts.all(id) as RecipientRow[];
  }

  /** The one way a message changes state. Throws QueueError if the move is not allowed now. */
  move(id: string, from: QueueState, to: QueueState, o: { reason?: string; nextAttemptAt?: number | null } = {}): void {
    if (!canMove(from, to)) throw new QueueError('QUEUE.BAD_STATE', `cannot move ${id} from ${from} to ${to}`);
    const now = Date.now();
    const r = this.st.move.run({ id, from, to, now, next: o.nextAttemptAt ?? null, err: o.reason ?? null });
    if (r.changes !== 1) {
      const cur = this.get(id);
      if (!cur) throw new QueueError('QUEUE.NOT_FOUND', `no message ${id} in the queue`);
      throw new QueueError('QUEUE.BAD_STATE', `message ${id} is ${cur.state}, not ${from}`);
    }
    this.bus.emit({ t: 'queue', id, at: now, from, to, reason: o.reason });
    if (to === 'incoming') this.onReady();
  }

  /** Claim up to `limit` messages that are due: each moves to active. */
  claimDue(limit: number, now = Date.now()): MessageRow[] {
    const ids = (this.st.due.all(now, limit) as { id: string }[]).map((r) => r.id);
    const claimed: MessageRow[] = [];
    // A claim need not survive a crash (recover() puts active messages back), so no fsync.
    this.db.transaction(() => {
      for (const id of ids) {
        const m = this.get(id);
        if (!m || (m.state !== 'incoming' && m.state !== 'deferred')) continue;
        this.move(id, m.state, 'active');
        this.st.bumpAttempts.run(id);
        claimed.push({ ...m, state: 'active', attempts: m.attempts + 1 });
      }
    })();
    return claimed;
  }

  nextDueAt(): number | null {
    return (this.st.nextDue.get() as { t: number | null }).t;
  }

  /** Record one recipient's outcome (inside the caller's transaction when there is one). */
  setRecipient(id: string, idx: number, status: RecipientStatus, dsn: Dsn): void {
    this.st.setRcpt.run({ id, idx, status, dsn: JSON.stringify(dsn) });
  }

  /** Spool files that queued messages still use (everything else in the spool dir is garbage). */
  spoolFilesInUse(): Set<string> {
    const rows = this.db.prepare('SELECT spool FROM messages').all() as { spool: string }[];
    return new Set(rows.map((r) => r.spool));
  }

  /** Remove the sources of messages delivered or bounced more than keepMs ago (their rows and trace stay). */
  pruneDelivered(keepMs: number, now = Date.now()): number {
    const rows = this.db.prepare(`SELECT id, spool FROM messages WHERE state IN ('sent', 'bounced') AND updated_at < ? AND spool != ''`)
      .all(now - keepMs) as { id: string; spool: string }[];
    const forget = this.db.prepare(`UPDATE messages SET spool = '' WHERE id = ?`);
    for (const r of rows) { fs.rm(r.spool, { force: true }, () => {}); forget.run(r.id); }
    return rows.length;
  }

  /** After a restart: messages that were in flight go back to incoming (they may be delivered twice). */
  recover(): number {
    const ids = (this.st.stuckActive.all() as { id: string }[]).map((r) => r.id);
    this.db.transaction(() => { for (const id of ids) this.move(id, 'active', 'incoming', { reason: 'recovered after restart' }); })();
    return ids.length;
  }

  counts(): Record<QueueState, number> {
    const out = Object.fromEntries(QUEUE_STATES.map((s) => [s, 0])) as Record<QueueState, number>;
    for (const r of this.st.counts.all() as { state: QueueState; n: number }[]) out[r.state] = r.n;
    return out;
  }

  list(state: QueueState | undefined, limit: number): MessageRow[] {
    const sql = state ? 'SELECT * FROM messages WHERE state = ? ORDER BY arrived_at DESC LIMIT ?'
      : `SELECT * FROM messages WHERE state IN ('incoming','active','deferred','hold','corrupt') ORDER BY arrived_at DESC LIMIT ?`;
    return (state ? this.db.prepare(sql).all(state, limit) : this.db.prepare(sql).all(limit)) as MessageRow[];
  }

  /** queue.flush: deferred messages become due now (one id, or all). */
  flush(id?: string): number {
    if (id) {
      const m = this.require(id);
      if (m.state !== 'deferred') throw new QueueError('QUEUE.BAD_STATE', `message ${id} is ${m.state}; only deferred messages can be flushed`);
      this.move(id, 'deferred', 'incoming', { reason: 'flushed by user' });
      return 1;
    }
    const ids = (this.db.prepare(`SELECT id FROM messages WHERE state = 'deferred'`).all() as { id: string }[]).map((r) => r.id);
    this.db.transaction(() => { for (const i of ids) this.move(i, 'deferred', 'incoming', { reason: 'flushed by user' }); })();
    return ids.length;
  }

  hold(id: string, reason = 'held by user'): void {
    const m = this.require(id);
    if (m.state !== 'incoming' && m.state !== 'deferred' && m.state !== 'active') {
      throw new QueueError('QUEUE.BAD_STATE', `message ${id} is ${m.state}; only queued messages can be held`);
    }
    this.move(id, m.state, 'hold', { reason });
  }

  release(id: string): void {
    const m = this.require(id);
    if (m.state !== 'hold') throw new QueueError('QUEUE.BAD_STATE', `message ${id} is ${m.state}, not on hold`);
    this.move(id, 'hold', 'incoming', { reason: 'released by user' });
  }

  /** Remove a message that is not being delivered right now, and its spool file. */
  delete(id: string): void {
    const m = this.require(id);
    if (m.state === 'active') throw new QueueError('QUEUE.BAD_STATE', `message ${id} is being delivered; hold it first`);
    this.st.del.run(id);
    fs.rm(m.spool, { force: true }, () => {});
    this.bus.emit({ t: 'queue', id, at: Date.now(), from: m.state, to: m.state, reason: 'deleted by user' });
  }

  /**
   * Take back a message whose 250 was never sent (its spool file could not be made durable).
   * The client will send it again; if delivery already started, the copy stays (a duplicate
   * is better than a loss).
   */
  withdraw(id: string, reason: string): void {
    const m = this.get(id);
    if (!m || m.state === 'active') return;
    this.st.del.run(id);
    fs.rm(m.spool, { force: true }, () => {});
    this.bus.emit({ t: 'queue', id, at: Date.now(), from: m.state, to: m.state, reason });
  }

  private require(id: string): MessageRow {
    const m = this.get(id);
    if (!m) throw new QueueError('QUEUE.NOT_FOUND', `no message ${id} in the queue`);
    return m;
  }
}
