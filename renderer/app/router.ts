// Hash routes (#/sessions/<sid>): they work the same over HTTP and from a file in Electron, and a
// reload or a shared link opens the same view.
import { useSyncExternalStore } from 'react';
import { href, parseRoute, type Route } from './routes';

export { href, parseRoute, type Route };

export function navigate(r: Route): void {
  location.hash = href(r);
}

const subscribe = (fn: () => void): (() => void) => {
  window.addEventListener('hashchange', fn);
  return () => window.removeEventListener('hashchange', fn);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return parseRoute(hash);
}
