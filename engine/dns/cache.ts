// A bounded TTL cache: entries expire after their own TTL; past `max` entries the oldest goes first.

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(private readonly max: number, private readonly now: () => number = Date.now) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** A TTL of 0 or less stores nothing (DNS: TTL 0 means "do not cache"). */
  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0 || this.max <= 0) return;
    this.entries.delete(key); // re-inserting makes it the newest
    this.entries.set(key, { value, expires: this.now() + ttlMs });
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number { return this.entries.size; }

  clear(): void { this.entries.clear(); }
}
