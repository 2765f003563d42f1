// The app's routes and their hash addresses (#/sessions/<sid>). Pure; router.ts follows the hash.
import type { QueueState } from '../lib/types';

export type Route =
  | { name: 'sessions' }
  | { name: 'session'; sid: string }
  | { name: 'messages' }
  | { name: 'message'; id: string }
  | { name: 'queue'; state?: QueueState }
  | { name: 'config' }
  | { name: 'send' };

const QUEUE_STATES = new Set(['incoming', 'active', 'deferred', 'hold', 'corrupt', 'sent', 'bounced']);

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const [a, b] = parts;
  switch (a) {
    case 'sessions':
      return b ? { name: 'session', sid: b } : { name: 'sessions' };
    case 'messages':
      return b ? { name: 'message', id: b } : { name: 'messages' };
    case 'queue':
      return b && QUEUE_STATES.has(b) ? { name: 'queue', state: b as QueueState } : { name: 'queue' };
    case 'config':
      return { name: 'config' };
    case 'send':
      return { name: 'send' };
    default:
      return { name: 'sessions' };
  }
}

export function href(r: Route): string {
  switch (r.name) {
    case 'session':
      return `#/sessions/${encodeURIComponent(r.sid)}`;
    case 'message':
      return `#/messages/${encodeURIComponent(r.id)}`;
    case 'queue':
      return r.state ? `#/queue/${r.state}` : '#/queue';
    default:
      return `#/${r.name}`;
  }
}

