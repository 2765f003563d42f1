// The live messages list: pages from messages.list (newest first); queue events move rows
// between states at once, and new or changed messages are fetched again in one debounced
// request (their Subject/From are not in the events). No polling.
import type { MessageSummary, MessagesListInput } from '../../engine/api/contract';
import type { StoredEvent } from './types';
import { debounce, Emitter, perFrame } from './store';

export const MESSAGE_PAGE = 200;
type QueueState = MessageSummary['state'];

export interface MessagesFilter {
  q: string;
  state: QueueState | '';
}

export interface MessagesSnapshot {
  rows: MessageSummary[];
  filter: MessagesFilter;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
  hasMore: boolean;
  loadingMore: boolean;
}

type Fetch = (i: MessagesListInput) => Promise<MessageSummary[]>;

function matches(m: MessageSummary, f: MessagesFilter): boolean {
  if (f.state && m.state !== f.state) return false;
  if (!f.q) return true;
  const n = f.q.toLowerCase();
  return [m.id, m.sender, m.subject ?? '', m.from ?? '', ...m.recipients].some((v) => v.toLowerCase().includes(n));
}

export class MessagesStore {
  private byId = new Map<string, MessageSummary>();
  private order: string[] = [];
  private emitter = new Emitter();
  private gen = 0;
  private snap: MessagesSnapshot = { rows: [], filter: { q: '', state: '' }, status: 'idle', hasMore: false, loadingMore: false };
  private flush = perFrame(() => this.publish());
  private refreshTop = debounce(() => void this.fetchTop(), 300, 1500);
  scrollTop = 0;

  constructor(private readonly fetchPage: Fetch) {}

  subscribe = this.emitter.subscribe;
  getSnapshot = (): MessagesSnapshot => this.snap;

  private input(f: MessagesFilter, extra: Partial<MessagesListInput> = {}): MessagesListInput {
    return { limit: MESSAGE_PAGE, ...(f.q ? { q: f.q } : {}), ...(f.state ? { state: f.state } : {}), ...extra };
  }

  async load(filter: MessagesFilter): Promise<void> {
    const gen = ++this.gen;
    const keep = this.snap.rows.length > 0 && filter.q === this.snap.filter.q && filter.state === this.snap.filter.state;
    this.snap = { ...this.snap, filter, status: keep ? 'ready' : 'loading', ...(keep ? {} : { rows: [] }) };
    this.emitter.emit();
    try {
      const page = await this.fetchPage(this.input(filter));
      if (gen !== this.gen) return;
      this.byId = new Map(page.map((m) => [m.id, m]));
      this.order = page.map((m) => m.id);
      this.snap = { ...this.snap, status: 'ready', hasMore: page.length === MESSAGE_PAGE };
      delete this.snap.error;
    } catch (e) {
      if (gen !== this.gen) return;
      this.snap = { ...this.snap, status: 'error', error: e instanceof Error ? e.message : String(e) };
    }
    this.publish();
  }

  async loadMore(): Promise<void> {
    const s = this.snap;
    if (s.status !== 'ready' || !s.hasMore || s.loadingMore) return;
    const last = this.byId.get(this.order[this.order.length - 1] ?? '');
    if (!last) return;
    const gen = this.gen;
    this.snap = { ...s, loadingMore: true };
    this.emitter.emit();
    try {
      const page = await this.fetchPage(this.input(s.filter, { before: last.arrivedAt + 1 }));
      if (gen !== this.gen) return;
      const added = page.filter((m) => !this.byId.has(m.id));
      for (const m of added) {
        this.byId.set(m.id, m);
        this.order.push(m.id);
      }
      this.snap = { ...this.snap, loadingMore: false, hasMore: page.length === MESSAGE_PAGE && added.length > 0 };
    } catch (e) {
      if (gen !== this.gen) return;
      this.snap = { ...this.snap, loadingMore: false, error: e instanceof Error ? e.message : String(e) };
    }
    this.publish();
  }

  onEvent = (e: StoredEvent): void => {
    if (this.snap.status === 'idle') return;
    if (e.t === 'message.accepted') {
      if (!this.byId.has(e.id)) {
        this.byId.set(e.id, { id: e.id, sid: e.sid, arrivedAt: e.at, sender: e.sender, recipients: e.rcpts, size: e.size, state: 'incoming' });
        this.order.unshift(e.id);
        this.flush();
      }
      this.refreshTop();
    } else if (e.t === 'queue') {
      const m = this.byId.get(e.id);
      if (e.from === e.to && e.reason === 'deleted by user') {
        if (m) {
          this.byId.delete(e.id);
          this.order = this.order.filter((x) => x !== e.id);
          this.flush();
        }
        return;
      }
      if (m) {
        if (m.state !== e.to) {
          this.byId.set(e.id, { ...m, state: e.to });
          this.flush();
        }
      } else if (e.from === null) {
        this.refreshTop(); // mail the engine made itself (a bounce): not announced by message.accepted
      }
    }
  };

  private async fetchTop(): Promise<void> {
    const gen = this.gen;
    try {
      const page = await this.fetchPage(this.input(this.snap.filter, { limit: 100 }));
      if (gen !== this.gen) return;
      const fresh: string[] = [];
      for (const m of page) {
        if (!this.byId.has(m.id)) fresh.push(m.id);
        this.byId.set(m.id, m);
      }
      if (fresh.length) this.order = [...fresh, ...this.order];
      this.order.sort((a, b) => (this.byId.get(b)?.arrivedAt ?? 0) - (this.byId.get(a)?.arrivedAt ?? 0));
      this.flush();
    } catch {
      /* the next event tries again */
    }
  }

  private publish(): void {
    const f = this.snap.filter;
    const rows: MessageSummary[] = [];
    for (const id of this.order) {
      const m = this.byId.get(id);
      if (m && matches(m, f)) rows.push(m);
    }
    this.snap = { ...this.snap, rows };
    this.emitter.emit();
  }
}
