// The live sessions list: pages loaded from sessions.list (newest first) kept current by the
// trace events, without polling. Events that arrive while a page loads are replayed for new
// sessions and reconciled with one lookup each for sessions the page already had.
import type { SessionSummary, SessionsListInput } from '../../engine/api/contract';
import type { StoredEvent } from './types';
import { Emitter, perFrame } from './store';

export const PAGE = 200;
const MAX_ROWS = 20_000;
const MAX_RECONCILE = 50;
const MAX_BUFFER = 20_000;

/** The summary after one event, as the engine's recorder computes it; undefined = not a session event. */
export function applySessionEvent(s: SessionSummary | undefined, e: StoredEvent): SessionSummary | undefined {
  if (e.t === 'session.open') {
    if (s) return s;
    return {
      sid: e.sid,
      openedAt: e.at,
      listener: e.listener,
      role: e.role,
      peer: { ip: e.peer.ip, port: e.peer.port, name: e.peer.name },
      net: e.net,
      ...(e.peer.helo ? { helo: e.peer.helo } : {}),
      tls: e.tls,
      messages: 0,
      outcome: 'open',
    };
  }
  if (!s) return undefined;
  switch (e.t) {
    case 'helo':
      return { ...s, helo: e.helo };
    case 'tls':
      return e.ok && !s.tls ? { ...s, tls: true } : s;
    case 'auth':
      return e.ok ? { ...s, authUser: e.user } : s;
    case 'xclient':
      return { ...s, net: e.claimed.net, claimed: { ...e.claimed } };
    case 'smtp':
      return e.dir === 'S' ? { ...s, lastReply: e.line.slice(0, 300) } : s;
    case 'message.accepted':
      return { ...s, messages: s.messages + 1 };
    case 'session.close': {
      const outcome = s.messages > 0 ? 'accepted' : /^[45]/.test(s.lastReply ?? '') ? 'rejected' : 'closed';
      return { ...s, closedAt: e.at, outcome };
    }
    default:
      return s;
  }
}

/** The server's q filter (sessions.list), applied to live rows: sid, peer ip, peer name, HELO, AUTH user. */
export function matchesQuery(s: SessionSummary, q: string): boolean {
  if (!q) return true;
  const n = q.toLowerCase();
  return [s.sid, s.peer.ip, s.peer.name, s.helo ?? '', s.authUser ?? ''].some((v) => v.toLowerCase().includes(n));
}

export interface SessionsSnapshot {
  rows: SessionSummary[];
  q: string;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
  hasMore: boolean;
  loadingMore: boolean;
}

type Fetch = (i: SessionsListInput) => Promise<SessionSummary[]>;

export class SessionsStore {
  private order: string[] = [];
  private fresh: string[] = [];
  private bySid = new Map<string, SessionSummary>();
  private emitter = new Emitter();
  private gen = 0;
  private buffer: StoredEvent[] | null = null;
  private snap: SessionsSnapshot = { rows: [], q: '', status: 'idle', hasMore: false, loadingMore: false };
  private flush = perFrame(() => this.publish());
  /** Scroll offset of the list, kept across navigation. */
  scrollTop = 0;

  constructor(private readonly fetchPage: Fetch) {}

  subscribe = this.emitter.subscribe;
  getSnapshot = (): SessionsSnapshot => this.snap;

  /** Loads the first page for q (also the first load). */
  async load(q: string): Promise<void> {
    const gen = ++this.gen;
    this.buffer = [];
    // Same query again (coming back to the page): keep showing the rows while they refresh.
    const keep = this.snap.rows.length > 0 && q === this.snap.q;
    this.snap = { ...this.snap, q, status: keep ? 'ready' : 'loading', loadingMore: false, ...(keep ? {} : { rows: [] }) };
    this.emitter.emit();
    let page: SessionSummary[];
    try {
      page = await this.fetchPage({ limit: PAGE, ...(q ? { q } : {}) });
    } catch (e) {
      if (gen !== this.gen) return;
      this.buffer = null;
      this.snap = { ...this.snap, status: 'error', error: e instanceof Error ? e.message : String(e) };
      this.emitter.emit();
      return;
    }
    if (gen !== this.gen) return;
    this.bySid = new Map(page.map((s) => [s.sid, s]));
    this.order = page.map((s) => s.sid);
    this.fresh = [];
    this.snap = { ...this.snap, q, status: 'ready', hasMore: page.length === PAGE };
    delete this.snap.error;
    const buffered = this.buffer ?? [];
    this.buffer = null;
    // Sessions the page already holds may or may not reflect these events: look them up again.
    const ambiguous = new Set<string>();
    for (const e of buffered) {
      const sid = 'sid' in e ? e.sid : undefined;
      if (!sid) continue;
      if (this.bySid.has(sid) && e.t !== 'session.open') ambiguous.add(sid);
      else if (!ambiguous.has(sid)) this.apply(e);
    }
    this.publish();
    void this.reconcile([...ambiguous].slice(0, MAX_RECONCILE), gen);
  }

  async loadMore(): Promise<void> {
    const s = this.snap;
    if (s.status !== 'ready' || !s.hasMore || s.loadingMore) return;
    const last = this.bySid.get(this.order[this.order.length - 1] ?? '');
    if (!last) return;
    const gen = this.gen;
    this.snap = { ...s, loadingMore: true };
    this.emitter.emit();
    try {
      // +1 and de-duplication: sessions that opened in the same millisecond are not skipped.
      let page = await this.fetchPage({ limit: PAGE, before: last.openedAt + 1, ...(s.q ? { q: s.q } : {}) });
      if (gen !== this.gen) return;
      let added = page.filter((r) => !this.bySid.has(r.sid));
      if (added.length === 0 && page.length === PAGE) {
        page = await this.fetchPage({ limit: PAGE, before: last.openedAt, ...(s.q ? { q: s.q } : {}) });
        if (gen !== this.gen) return;
        added = page.filter((r) => !this.bySid.has(r.sid));
      }
      for (const r of added) {
        this.bySid.set(r.sid, r);
        this.order.push(r.sid);
      }
      this.snap = { ...this.snap, hasMore: page.length === PAGE, loadingMore: false };
    } catch (e) {
      if (gen !== this.gen) return;
      this.snap = { ...this.snap, loadingMore: false, error: e instanceof Error ? e.message : String(e) };
    }
    this.publish();
  }

  /** Feed every trace event here. */
  onEvent = (e: StoredEvent): void => {
    if (this.buffer) {
      if (this.buffer.length < MAX_BUFFER) this.buffer.push(e);
      return;
    }
    if (this.apply(e)) this.flush();
  };

  private apply(e: StoredEvent): boolean {
    const sid = 'sid' in e ? e.sid : undefined;
    if (!sid) return false;
    const before = this.bySid.get(sid);
    const after = applySessionEvent(before, e);
    if (!after || after === before) return false;
    this.bySid.set(sid, after);
    if (!before) this.fresh.push(sid);
    return true;
  }

  private async reconcile(sids: string[], gen: number): Promise<void> {
    if (sids.length === 0) return;
    await Promise.all(
      sids.map(async (sid) => {
        try {
          const found = (await this.fetchPage({ q: sid, limit: 5 })).find((r) => r.sid === sid);
          if (found && gen === this.gen) this.bySid.set(sid, found);
        } catch {
          /* keep what we have */
        }
      }),
    );
    if (gen === this.gen) this.flush();
  }

  private publish(): void {
    if (this.fresh.length) {
      const fresh = this.fresh.reverse();
      this.fresh = [];
      this.order = [...fresh, ...this.order];
      if (this.order.length > MAX_ROWS) {
        for (const sid of this.order.splice(MAX_ROWS)) this.bySid.delete(sid);
        this.snap = { ...this.snap, hasMore: true };
      }
    }
    const q = this.snap.q;
    const rows: SessionSummary[] = [];
    for (const sid of this.order) {
      const s = this.bySid.get(sid);
      if (s && (!q || matchesQuery(s, q))) rows.push(s);
    }
    this.snap = { ...this.snap, rows };
    this.emitter.emit();
  }
}
