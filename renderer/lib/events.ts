// The live trace, one stream for the whole app: Server-Sent Events in the browser
// (GET /api/events, resumed with Last-Event-ID / ?since=) or the preload's onEvent in Electron.
// Views subscribe to it; the connection state (connecting / live / reconnecting) is visible.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { isElectron } from './api';
import type { StoredEvent } from './types';

export type { StoredEvent };
export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

const MAX_BACKOFF_MS = 10_000;

export class EventHub {
  private listeners = new Set<(e: StoredEvent) => void>();
  private stateListeners = new Set<() => void>();
  private es: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private stopBridge: (() => void) | null = null;
  private started = false;
  state: ConnectionState = 'connecting';
  /** seq of the newest event delivered (the resume point). */
  lastSeq = 0;

  private early: StoredEvent[] | null = null;

  /**
   * Electron: subscribe to the bridge before engine.status is asked, holding events until
   * start(); the bridge has no replay, so this closes the gap between the two. (SSE replays from
   * ?since=, so it needs nothing here.)
   */
  preconnect(): void {
    if (!isElectron() || this.stopBridge) return;
    this.early = [];
    this.stopBridge = window.lab!.onEvent((name, payload) => {
      if (name !== 'trace') return;
      if (this.early) this.early.push(payload);
      else this.deliver(payload);
    });
  }

  /** Start streaming every event after `since` (engine.status().lastSeq at boot). Idempotent. */
  start(since: number): void {
    if (this.started) return;
    this.started = true;
    this.lastSeq = since;
    if (isElectron()) {
      this.preconnect();
      const held = this.early ?? [];
      this.early = null;
      this.setState('live');
      for (const e of held) this.deliver(e); // those up to `since` are dropped by seq
      return;
    }
    this.open();
  }

  stop(): void {
    this.started = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.es?.close();
    this.es = null;
    this.stopBridge?.();
  }

  subscribe(fn: (e: StoredEvent) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  onState = (fn: () => void): (() => void) => {
    this.stateListeners.add(fn);
    return () => void this.stateListeners.delete(fn);
  };

  getState = (): ConnectionState => this.state;

  private open(): void {
    const es = new EventSource(`/api/events?since=${this.lastSeq}`);
    this.es = es;
    es.addEventListener('open', () => {
      this.failures = 0;
      this.setState('live');
    });
    es.addEventListener('trace', (m) => {
      let e: StoredEvent;
      try {
        e = JSON.parse((m as MessageEvent<string>).data) as StoredEvent;
      } catch {
        return;
      }
      this.deliver(e);
    });
    es.addEventListener('error', () => {
      if (this.es !== es) return;
      this.setState('reconnecting');
      // CONNECTING: the browser retries by itself and sends Last-Event-ID. CLOSED (an HTTP error
      // such as a restarted engine answering 401/5xx): reopen ourselves, from lastSeq, with backoff.
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        this.es = null;
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures++);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (this.started) this.open();
        }, delay);
      }
    });
  }

  private deliver(e: StoredEvent): void {
    if (typeof e?.seq !== 'number' || e.seq <= this.lastSeq) return;
    this.lastSeq = e.seq;
    if (this.state !== 'live') this.setState('live');
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch (err) {
        console.error('relaylab: an event handler failed', err);
      }
    }
  }

  private setState(s: ConnectionState): void {
    if (s === this.state) return;
    this.state = s;
    for (const fn of this.stateListeners) fn();
  }
}

/** The app's one stream; App starts it once engine.status() gave the resume point. */
export const hub = new EventHub();

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(hub.onState, hub.getState);
}

/** Calls fn for every live trace event while the component is mounted (fn may change freely). */
export function useTraceEvents(fn: (e: StoredEvent) => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => hub.subscribe((e) => ref.current(e)), []);
}
