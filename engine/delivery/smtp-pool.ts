// Connection reuse for the SMTP client: sessions to the same host:port stay open for a short
// idle time so a batch of messages to one destination shares one connection.
import { openSmtpSession, type SmtpSession } from './smtp-client';
import type { Dsn } from './types';

interface Target { host: string; ip: string; port: number }
interface Idle { session: SmtpSession; timer: NodeJS.Timeout }
/** Whose conversation a session's lines are: the message using it now (a reused session changes hands). */
export interface LineOwner { id: string; via: string }

const IDLE_MS = 2000;
const MAX_IDLE_PER_TARGET = 4;

export class SmtpPool {
  private idle = new Map<string, Idle[]>();
  private readonly owners = new WeakMap<SmtpSession, { owner: LineOwner }>();

  constructor(private readonly o: { heloName: string; onLine: (owner: LineOwner, dir: 'C' | 'S', line: string) => void; timeouts?: { connectMs: number; greetingMs: number; socketMs: number } }) {}

  /** A session to t, reused when one is idle; its lines are reported as `owner`'s from now on. */
  async acquire(t: Target, owner: LineOwner): Promise<SmtpSession | { dsn: Dsn }> {
    const list = this.idle.get(key(t));
    const reuse = list?.pop();
    if (reuse) {
      clearTimeout(reuse.timer);
      const holder = this.owners.get(reuse.session);
      if (holder) holder.owner = owner;
      return reuse.session;
    }
    const to = this.o.timeouts ?? { connectMs: 30_000, greetingMs: 300_000, socketMs: 300_000 };
    const holder = { owner };
    const s = await openSmtpSession({ host: t.host, ip: t.ip, port: t.port, heloName: this.o.heloName, connectTimeoutMs: to.connectMs,
      greetingTimeoutMs: to.greetingMs, socketTimeoutMs: to.socketMs, onLine: (dir, line) => this.o.onLine(holder.owner, dir, line) });
    if (!('dsn' in s)) this.owners.set(s, holder);
    return s;
  }

  release(t: Target, session: SmtpSession): void {
    const k = key(t);
    const list = this.idle.get(k) ?? [];
    if (list.length >= MAX_IDLE_PER_TARGET) { session.close(); return; }
    const entry: Idle = { session, timer: setTimeout(() => {
      const l = this.idle.get(k);
      if (l) this.idle.set(k, l.filter((x) => x !== entry));
      session.close();
    }, IDLE_MS) };
    entry.timer.unref();
    list.push(entry);
    this.idle.set(k, list);
  }

  closeAll(): void {
    for (const list of this.idle.values()) for (const e of list) { clearTimeout(e.timer); e.session.close(); }
    this.idle.clear();
  }
}

function key(t: Target): string { return `${t.ip}|${t.port}`; }
