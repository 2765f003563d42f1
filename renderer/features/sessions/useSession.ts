// One session with its transcript, kept live: events for this sid that arrive while it loads are
// merged by seq, later ones are appended as they happen.
import { useEffect, useState } from 'react';
import type { SessionDetail } from '../../../engine/api/contract';
import { api, ApiCallError } from '../../lib/api';
import { hub, type StoredEvent } from '../../lib/events';
import { applySessionEvent } from '../../lib/live-sessions';
import { perFrame } from '../../lib/store';

export type SessionState = { detail?: SessionDetail; error?: unknown; loading: boolean };

export function mergeSessionEvents(d: SessionDetail, events: StoredEvent[]): SessionDetail {
  const maxSeq = Math.max(0, ...d.lines.map((l) => l.seq), ...d.events.map((e) => e.seq));
  const fresh = events.filter((e) => e.seq > maxSeq);
  if (fresh.length === 0) return d;
  const lines = [...d.lines];
  const evs = [...d.events];
  const messages = [...d.messages];
  let summary = d.summary;
  for (const e of fresh) {
    if (e.t === 'smtp') lines.push({ seq: e.seq, at: e.at, dir: e.dir, line: e.line, ...(e.check ? { check: e.check } : {}) });
    else evs.push(e);
    if (e.t === 'message.accepted') messages.push(e.id);
    summary = applySessionEvent(summary, e) ?? summary;
  }
  return { summary, lines, events: evs, messages };
}

export function useSession(sid: string): SessionState {
  const [state, setState] = useState<SessionState>({ loading: true });
  useEffect(() => {
    let alive = true;
    let loaded: SessionDetail | undefined;
    let pending: StoredEvent[] = [];
    const push = perFrame(() => {
      if (!alive || !loaded) return;
      loaded = mergeSessionEvents(loaded, pending);
      pending = [];
      setState({ detail: loaded, loading: false });
    });
    const unsub = hub.subscribe((e) => {
      if (!('sid' in e) || e.sid !== sid) return;
      pending.push(e);
      if (loaded) push();
    });
    setState({ loading: true });
    // A session that opened a moment ago may not be stored yet: ask again a few times.
    const load = (attempt: number): void => {
      api['sessions.get']({ sid }).then(
        (d) => {
          if (!alive) return;
          loaded = mergeSessionEvents(d, pending);
          pending = [];
          setState({ detail: loaded, loading: false });
        },
        (error: unknown) => {
          if (!alive) return;
          if (error instanceof ApiCallError && error.code === 'SESSION.NOT_FOUND' && attempt < 4) setTimeout(() => alive && load(attempt + 1), 250);
          else setState({ error, loading: false });
        },
      );
    };
    load(0);
    return () => {
      alive = false;
      unsub();
    };
  }, [sid]);
  return state;
}
