// The live event stream: numbers each TraceEvent (its SSE id) and hands it to subscribers.
// The recorder is one subscriber (→ SQLite); the HTTP/IPC adapters are others.
import type { StoredEvent, TraceEvent } from './events';

export class TraceBus {
  private listeners = new Set<(e: StoredEvent) => void>();

  constructor(private seq = 0) {}

  get lastSeq(): number { return this.seq; }

  emit(e: TraceEvent): StoredEvent {
    const stored = { ...e, seq: ++this.seq } as StoredEvent;
    for (const fn of this.listeners) {
      try { fn(stored); } catch { /* a broken subscriber must not break the engine */ }
    }
    return stored;
  }

  subscribe(fn: (e: StoredEvent) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }
}
