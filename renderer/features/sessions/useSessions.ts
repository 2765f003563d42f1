// The app's one live sessions store: created once, fed by the event hub from the first visit on,
// so the list stays current (and keeps its scroll position) while other pages are open.
import { useSyncExternalStore } from 'react';
import { api } from '../../lib/api';
import { hub } from '../../lib/events';
import { SessionsStore, type SessionsSnapshot } from '../../lib/live-sessions';

export const sessionsStore = new SessionsStore((i) => api['sessions.list'](i));
let wired = false;

export function useSessions(): SessionsSnapshot {
  if (!wired) {
    wired = true;
    hub.subscribe(sessionsStore.onEvent);
  }
  return useSyncExternalStore(sessionsStore.subscribe, sessionsStore.getSnapshot);
}
