// Group commit: writes from many sessions share one SQLite transaction, so one fsync makes a
// whole batch durable. `durable()` resolves only after the COMMIT and then an fsync of the WAL
// (off the event loop) completed, so a caller may answer 250 then and not before. `background()` is for the trace: it rides along
// with the next commit, or is flushed on its own after a short delay.
import type { Db } from './db';

interface Pending { fn: () => void; resolve: () => void; reject: (e: Error) => void }

export class GroupCommitter {
  private critical: Pending[] = [];
  private lazy: Array<() => void> = [];
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | null = null;
  private lazyTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Commits done and writes carried, for the benchmark's figures. */
  readonly stats = { commits: 0, writes: 0 };

  constructor(
    private readonly db: Db,
    /** Makes every committed transaction durable (fsync of the WAL). */
    private readonly syncWal: () => Promise<void>,
    private readonly opts: { delayMs: number; lazyDelayMs?: number } = { delayMs: 0 },
  ) {}

  /**
   * Run fn inside the next transaction; resolves once that transaction is on disk.
   * `withinMs`: the caller can wait that long for company (delivery outcomes): the write rides
   * along with the next commit an SMTP session asks for, or commits on its own after withinMs.
   */
  durable(fn: () => void, withinMs = this.opts.delayMs): Promise<void> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    return new Promise((resolve, reject) => {
      this.critical.push({ fn, resolve, reject });
      this.schedule(withinMs);
    });
  }

  /** Run fn in some later transaction; errors are reported through onError, never thrown. */
  background(fn: () => void): void {
    if (this.closed) return;
    this.lazy.push(fn);
    if (!this.lazyTimer) {
      this.lazyTimer = setTimeout(() => this.flushBackground(), this.opts.lazyDelayMs ?? 50);
      this.lazyTimer.unref();
    }
  }

  onError: (e: Error) => void = () => {};

  private scheduledAt = Infinity;

  private schedule(withinMs: number): void {
    const at = Date.now() + withinMs;
    if (this.scheduled && this.scheduledAt <= at) return;
    if (this.scheduled) clearTimeout(this.scheduled as NodeJS.Timeout), clearImmediate(this.scheduled as NodeJS.Immediate);
    this.scheduledAt = at;
    this.scheduled = withinMs > 0 ? setTimeout(() => this.flushCritical(), withinMs) : setImmediate(() => this.flushCritical());
  }

  /** Commit the background writes now (no fsync): readers call this to see the latest trace. */
  flushBackground(): void {
    this.lazyTimer = null;
    const lazy = this.lazy;
    this.lazy = [];
    if (lazy.length === 0) return;
    try {
      this.db.transaction(() => {
        for (const fn of lazy) {
          try { this.db.transaction(fn)(); } catch (e) { this.onError(e as Error); }
        }
      })();
    } catch (e) {
      this.onError(e as Error);
    }
  }

  /** Commit everything pending now (the durable writes, then the background ones). */
  flush(): void {
    this.flushCritical();
    if (this.lazyTimer) clearTimeout(this.lazyTimer);
    this.flushBackground();
  }

  private flushCritical(): void {
    if (this.scheduled) { clearTimeout(this.scheduled as NodeJS.Timeout); clearImmediate(this.scheduled as NodeJS.Immediate); }
    this.scheduled = null;
    this.scheduledAt = Infinity;
    const critical = this.critical;
    this.critical = [];
    if (critical.length === 0) return;
    const failed = new Map<Pending, Error>();
    try {
      this.db.transaction(() => {
        for (const p of critical) {
          // A nested transaction is a SAVEPOINT: one bad write fails alone.
          try { this.db.transaction(p.fn)(); } catch (e) { failed.set(p, e as Error); }
        }
      })();
    } catch (e) {
      // COMMIT itself failed (disk full, I/O error): nothing in this batch is durable.
      for (const p of critical) p.reject(e as Error);
      this.onError(e as Error);
      return;
    }
    this.stats.commits++;
    this.stats.writes += critical.length;
    for (const [p, err] of failed) p.reject(err);
    const ok = critical.filter((p) => !failed.has(p));
    if (ok.length === 0) return;
    // Only a batch that carries a durable write waits for the disk, and not on the event loop.
    this.syncWal().then(() => { for (const p of ok) p.resolve(); }, (e: Error) => {
      this.onError(e);
      for (const p of ok) p.reject(e);
    });
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
