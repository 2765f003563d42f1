// The onQuery listeners of one resolver: every query made is reported to each of them.
import type { DnsQueryRecord } from './resolver.port';

export type QueryListener = (q: DnsQueryRecord) => void;

export interface QueryLog {
  onQuery(fn: QueryListener): () => void;
  emit(q: DnsQueryRecord): void;
}

export function createQueryLog(): QueryLog {
  const listeners = new Set<QueryListener>();
  return {
    onQuery(fn) {
      listeners.add(fn);
      return () => { listeners.delete(fn); };
    },
    emit(q) {
      for (const fn of listeners) {
        try { fn(q); } catch { /* a broken trace listener must not change a DNS answer */ }
      }
    },
  };
}
