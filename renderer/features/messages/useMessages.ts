// The app's one live messages store (see useSessions.ts for why it outlives the page).
import { useSyncExternalStore } from 'react';
import { api } from '../../lib/api';
import { hub } from '../../lib/events';
import { MessagesStore, type MessagesSnapshot } from '../../lib/live-messages';

export const messagesStore = new MessagesStore((i) => api['messages.list'](i));
let wired = false;

export function useMessages(): MessagesSnapshot {
  if (!wired) {
    wired = true;
    hub.subscribe(messagesStore.onEvent);
  }
  return useSyncExternalStore(messagesStore.subscribe, messagesStore.getSnapshot);
}
