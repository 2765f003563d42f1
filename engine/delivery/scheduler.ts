// The queue manager (Postfix qmgr): claims due messages, routes each recipient (local Maildir or
// the next SMTP hop), records every attempt, retries with backoff, and decides the failure
// notice (never backscatter). It trusts the queue's rows and the spool files it finds.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Config } from '../config/schema';
import type { Resolver } from '../dns/resolver.port';
import type { GroupCommitter } from '../store/committer';
import type { TraceBus } from '../trace/bus';
import type { Queue, MessageRow, RecipientRow } from '../queue/queue';
import { expired, nextAttemptAt } from '../queue/backoff';
import { newQueueId } from '../queue/ids';
import { writeSpool } from '../queue/spool';
import type { SpoolPool } from '../queue/spool-pool';
import type { Srs } from '../srs';
import { deliverToMaildir } from './maildir';
import { mxTargets, resolveNextHop, type SmtpHop } from './nexthop';
import { buildFailureNotice, mayNotify } from './dsn';
import { SmtpPool } from './smtp-pool';
import type { DeliverableMessage, Dsn } from './types';

/** Delivery outcomes may wait this long to share a commit with the SMTP sessions' writes. */
const OUTCOME_COMMIT_WINDOW_MS = 20;

export interface SchedulerDeps {
  config: Config;
  queue: Queue;
  committer: GroupCommitter;
  bus: TraceBus;
  resolver: Resolver;
  mailRoot: string;
  spool: SpoolPool;
  /** SRS for copies forwarded to foreign domains (sender not ours, from an outside client). */
  srs?: Srs;
}

export class Scheduler {
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** A pump is scheduled for this time (ms since epoch), or null. */
  private pumpAt: number | null = null;
  private pumpTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  /** The last claim took as many as it could: more may be due right now. */
  private backlog = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pool: SmtpPool;

  constructor(private readonly d: SchedulerDeps) {
    // Our side of each conversation with a next hop goes into the trace, under the message.
    this.pool = new SmtpPool({ heloName: d.config.hostname,
      onLine: (owner, dir, line) => d.bus.emit({ t: 'delivery.line', id: owner.id, at: Date.now(), via: owner.via, dir, line }) });
  }

  start(): void {
    this.d.queue.onReady = () => this.wakeWithin(this.d.config.queue.delivery_batch_delay);
    this.wake();
  }

  /** Stop claiming; wait for deliveries in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.cancelPump();
    await Promise.allSettled([...this.inFlight]);
    this.pool.closeAll();
  }

  /** Claim and start what is due, now (on the next turn of the event loop). */
  wake(): void {
    this.wakeWithin(0);
  }

  /**
   * Claim what is due within `ms` at the latest. New mail waits up to delivery_batch_delay so
   * that it is claimed, written and recorded together with the mail that follows it.
   */
  private wakeWithin(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.pumpAt !== null && this.pumpAt <= at) return;
    this.cancelPump();
    this.pumpAt = at;
    const run = () => {
      this.pumpAt = null;
      this.pumpTimer = null;
      if (!this.stopped) this.pump(); // stop() may have come before this turn of the loop
    };
    this.pumpTimer = ms > 0 ? setTimeout(run, ms) : setImmediate(run);
  }

  private cancelPump(): void {
    if (this.pumpTimer) { clearTimeout(this.pumpTimer as NodeJS.Timeout); clearImmediate(this.pumpTimer as NodeJS.Immediate); }
    this.pumpTimer = null;
    this.pumpAt = null;
  }

  private pump(): void {
    const free = this.d.config.queue.delivery_concurrency - this.running;
    if (free <= 0) this.backlog = true; // woken for new mail with every slot busy
    else {
      const claimed = this.d.queue.claimDue(free);
      this.backlog = claimed.length === free;
      for (const m of claimed) {
        this.running++;
        const p = this.deliver(m).catch((e: unknown) => console.error(`relaylab: delivery of ${m.id} failed unexpectedly:`, e))
          .finally(() => { this.running--; this.inFlight.delete(p); this.onSlotFree(); });
        this.inFlight.add(p);
      }
    }
    this.armTimer();
  }

  /**
   * A delivery finished. With mail waiting (the last claim was full), claim again at once when
   * half the slots are free (a batch, not one by one), else within the batch delay.
   */
  private onSlotFree(): void {
    if (!this.backlog) return;
    const limit = this.d.config.queue.delivery_concurrency;
    this.wakeWithin(this.running <= limit / 2 ? 0 : this.d.config.queue.delivery_batch_delay);
  }

  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    const due = this.d.queue.nextDueAt();
    if (due === null || this.stopped) return;
    this.timer = setTimeout(() => this.wake(), Math.max(0, Math.min(due - Date.now(), 60_000)) + 5);
    this.timer.unref();
  }

  /** One delivery attempt for every recipient of one message that is still to do. */
  private async deliver(m: MessageRow): Promise<void> {
    const { config } = this.d;
    const onDisk = await fs.promises.stat(m.spool).then((st) => st.size, () => -1);
    if (onDisk !== m.size) {
      const reason = onDisk < 0 ? `spool file ${m.spool} is missing` : `spool file ${m.spool} has ${onDisk} bytes, the queue says ${m.size}`;
      await this.d.committer.durable(() => this.d.queue.move(m.id, 'active', 'corrupt', { reason }));
      return;
    }
    const msg: DeliverableMessage = { id: m.id, sender: m.sender, spoolPath: m.spool, size: m.size, arrivedAt: m.arrived_at };
    const todo = this.d.queue.recipients(m.id).filter((r) => r.status === 'pending' || r.status === 'deferred');
    const outcomes = new Map<number, { dsn: Dsn; via: string }>(); // by recipient idx

    const remote = new Map<string, { hop: SmtpHop; domain: string; rcpts: RecipientRow[] }>(); // one session per next hop
    await Promise.all(todo.map(async (r) => {
      const at = r.rcpt.lastIndexOf('@');
      const domain = r.rcpt.slice(at + 1).toLowerCase();
      const localPart = r.rcpt.slice(0, at);
      let hop;
      try {
        hop = resolveNextHop(domain, config, localPart);
      } catch (e) {
        outcomes.set(r.idx, { dsn: { action: 'delayed', status: '4.3.5', reason: `routing error: ${(e as Error).message}` }, via: 'config' });
        return;
      }
      if (hop.kind === 'local') {
        const dsn = await deliverToMaildir({ mailRoot: this.d.mailRoot, domain: hop.domain, localPart: hop.localPart, rcpt: r.rcpt, msg, hostname: config.hostname });
        outcomes.set(r.idx, { dsn, via: 'local' });
        return;
      }
      const key = `${hop.host}|${hop.port}|${hop.noMx}|${domain}`;
      const group = remote.get(key) ?? { hop, domain, rcpts: [] };
      group.rcpts.push(r);
      remote.set(key, group);
    }));

    const forwarded = this.forwardSender(m);
    const remoteMsg = forwarded === m.sender ? msg : { ...msg, sender: forwarded };
    for (const { hop, domain, rcpts } of remote.values()) {
      const result = await this.sendRemote(hop, domain, remoteMsg, rcpts.map((r) => r.rcpt));
      for (const r of rcpts) outcomes.set(r.idx, result.get(r.rcpt) ?? { dsn: { action: 'delayed', status: '4.4.0', reason: 'no outcome recorded' }, via: hop.host });
    }
    await this.finish(m, outcomes);
  }

  /**
   * The MAIL FROM for remote copies: a message that came in from outside (not our user, not our
   * network) and goes out again was forwarded, so its sender is SRS-rewritten (§6.2).
   */
  private forwardSender(m: MessageRow): string {
    const srs = this.d.srs;
    if (!srs || !m.sender || m.auth_user || m.net !== 'public') return m.sender;
    const f = srs.forward(m.sender);
    if (f.rewritten) this.d.bus.emit({ t: 'srs', id: m.id, at: Date.now(), direction: 'forward', from: m.sender, to: f.address });
    return f.address;
  }

  private async sendRemote(hop: SmtpHop, domain: string, msg: DeliverableMessage, rcpts: string[]): Promise<Map<string, { dsn: Dsn; via: string }>> {
    const out = new Map<string, { dsn: Dsn; via: string }>();
    const targets = await mxTargets(hop, domain, this.d.resolver);
    if ('dsn' in targets) {
      for (const r of rcpts) out.set(r, { dsn: targets.dsn, via: hop.host });
      return out;
    }
    let last: Dsn = { action: 'delayed', status: '4.4.1', reason: `no address to try for ${hop.host}` };
    for (const t of targets.targets) {
      const via = `${t.host}[${t.ip}]:${hop.port}`;
      const session = await this.pool.acquire({ host: t.host, ip: t.ip, port: hop.port }, { id: msg.id, via });
      if ('dsn' in session) { last = session.dsn; continue; }
      try {
        const res = await session.send(msg, rcpts);
        for (const r of rcpts) out.set(r, { dsn: res.get(r) ?? last, via });
        this.pool.release({ host: t.host, ip: t.ip, port: hop.port }, session);
        return out;
      } catch (e) {
        session.close();
        last = { action: 'delayed', status: '4.4.2', reason: `lost connection with ${via}: ${(e as Error).message}` };
      }
    }
    for (const r of rcpts) out.set(r, { dsn: last, via: hop.host });
    return out;
  }

  /** Record outcomes, move the message on, and send (or suppress) a failure notice. */
  private async finish(m: MessageRow, outcomes: Map<number, { dsn: Dsn; via: string }>): Promise<void> {
    const { queue, bus, config } = this.d;
    const now = Date.now();
    const tooOld = expired(config.queue, m.arrived_at, now);
    const failedNow: { rcpt: string; dsn: Dsn; origRcpt?: string }[] = [];
    let deferred = 0;
    let lastError: string | undefined;
    const all = queue.recipients(m.id);
    for (const r of all) {
      const o = outcomes.get(r.idx);
      if (!o) { if (r.status === 'deferred' || r.status === 'pending') deferred++; continue; }
      let dsn = o.dsn;
      if (dsn.action === 'delayed' && tooOld) dsn = { ...dsn, action: 'failed', status: `5${dsn.status.slice(1)}`, reason: `message expired after ${Math.round(config.queue.maximal_queue_lifetime / 1000)}s in the queue; last error: ${dsn.reason}` };
      bus.emit({ t: 'delivery', id: m.id, at: Date.now(), rcpt: r.rcpt, via: o.via, dsn, attempt: m.attempts });
      if (dsn.action === 'delayed') { deferred++; lastError = `${r.rcpt}: ${dsn.reason}`; }
      if (dsn.action === 'failed') failedNow.push({ rcpt: r.rcpt, dsn, origRcpt: r.orig_rcpt });
      o.dsn = dsn;
    }
    const to = deferred > 0 ? 'deferred' : all.some((r) => r.status === 'failed') || failedNow.length > 0 ? 'bounced' : 'sent';
    try {
      await this.d.committer.durable(() => {
        for (const [idx, o] of outcomes) {
          const status = o.dsn.action === 'failed' ? 'failed' : o.dsn.action === 'delayed' ? 'deferred' : 'sent';
          queue.setRecipient(m.id, idx, status, o.dsn);
        }
        queue.move(m.id, 'active', to, {
          reason: to === 'deferred' ? lastError : undefined,
          nextAttemptAt: to === 'deferred' ? nextAttemptAt(config.queue, m.attempts, Date.now()) : null,
        });
      }, OUTCOME_COMMIT_WINDOW_MS);
    } catch (e) {
      // Held or deleted by the user while we were delivering: the outcomes stay in the trace.
      bus.emit({ t: 'queue', id: m.id, at: Date.now(), from: 'active', to: 'active', reason: `could not record the outcome: ${(e as Error).message}` });
      return;
    }
    if (failedNow.length > 0) await this.notify(m, failedNow);
    if (to !== 'deferred' && config.queue.keep_delivered === 0) fs.promises.rm(m.spool, { force: true }).catch(() => {});
  }

  private async notify(m: MessageRow, failed: { rcpt: string; dsn: Dsn; origRcpt?: string }[]): Promise<void> {
    const { config, bus, queue } = this.d;
    const decision = mayNotify({ sender: m.sender, authenticated: !!m.auth_user, net: m.net ?? 'public', isReport: !!m.is_report });
    if (!decision.send) {
      bus.emit({ t: 'dsn', id: m.id, at: Date.now(), to: m.sender || '<>', sent: false, reason: decision.reason });
      return;
    }
    const notice = buildFailureNotice({ reportingMta: config.hostname, queueId: m.id, arrivalDate: new Date(m.arrived_at), sender: m.sender,
      recipients: failed, headersOfOriginal: m.header_block });
    const id = newQueueId();
    const file = await this.d.spool.take();
    const size = await writeSpool(file, '', Readable.from([notice]));
    await queue.enqueue({ id, sid: '', txn: '', sender: '', recipients: [{ rcpt: m.sender, orig: m.sender }], size, spool: file,
      client: { ip: '127.0.0.1', name: 'localhost', net: 'local', tls: false }, subject: 'Undelivered Mail Returned to Sender',
      from: `MAILER-DAEMON@${config.hostname}`, headersAdded: [], headerBlock: notice.slice(0, Math.max(0, notice.indexOf('\r\n\r\n')) + 2), isReport: true });
    bus.emit({ t: 'dsn', id: m.id, at: Date.now(), to: m.sender, sent: true, reason: 'the sender is our own user or network', dsnId: id });
  }
}
