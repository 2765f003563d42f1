// The shell: navigation, the live connection state, and the page for the current route.
import { useEffect, type ReactNode } from 'react';
import { ConnectionBadge } from '../components/ConnectionBadge';
import { ErrorNotice } from '../components/ui';
import { ConfigPage } from '../features/config/ConfigPage';
import { MessagePage } from '../features/messages/MessagePage';
import { MessagesPage } from '../features/messages/MessagesPage';
import { QueuePage } from '../features/queue/QueuePage';
import { SendPage } from '../features/send/SendPage';
import { SessionPage } from '../features/sessions/SessionPage';
import { SessionsPage } from '../features/sessions/SessionsPage';
import { href, navigate, useRoute, type Route } from './router';
import { statusStore, useEngineStatus } from './status';

const NAV: { route: Route; label: string; match: Route['name'][]; hint: string }[] = [
  { route: { name: 'sessions' }, label: 'Sessions', match: ['sessions', 'session'], hint: 'SMTP conversations, live' },
  { route: { name: 'messages' }, label: 'Messages', match: ['messages', 'message'], hint: 'What was accepted, and its path' },
  { route: { name: 'queue' }, label: 'Queue', match: ['queue'], hint: 'Waiting for delivery' },
  { route: { name: 'config' }, label: 'Config', match: ['config'], hint: 'Effective settings, validation' },
  { route: { name: 'send' }, label: 'Send', match: ['send'], hint: 'Compose a test message' },
];

export function App(): ReactNode {
  const route = useRoute();
  const { status, error } = useEngineStatus();
  useEffect(() => {
    void statusStore.boot();
  }, []);
  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [route.name]);
  // Escape on a session or message goes back to its list (not while typing or in a dialog).
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.closest('dialog'))) return;
      if (route.name === 'session') navigate({ name: 'sessions' });
      else if (route.name === 'message') navigate({ name: 'messages' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route.name]);
  const waiting = (status?.queue.deferred ?? 0) + (status?.queue.hold ?? 0) + (status?.queue.incoming ?? 0) + (status?.queue.active ?? 0);

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">✉</span>
          <div>
            <div className="brand-name">Relay Lab</div>
            <div className="brand-host" title="This engine's hostname">{status?.hostname ?? '…'}</div>
          </div>
        </div>
        <ul className="nav-list">
          {NAV.map((n) => {
            const current = n.match.includes(route.name);
            return (
              <li key={n.label}>
                <a href={href(n.route)} className={current ? 'current' : undefined} aria-current={current ? 'page' : undefined}>
                  <span className="nav-label">{n.label}</span>
                  {n.label === 'Queue' && waiting > 0 ? <span className="nav-count" title="Messages in the queue">{waiting}</span> : null}
                  <span className="nav-hint">{n.hint}</span>
                </a>
              </li>
            );
          })}
        </ul>
        <div className="sidebar-foot">
          <ConnectionBadge />
          {status ? (
            <ul className="listeners" aria-label="Listeners">
              {status.listeners.map((l) => (
                <li key={l.name} title={l.error ?? `${l.role} listener, TLS: ${l.tls}`}>
                  <span className={`dot ${l.listening ? 'dot-ok' : 'dot-bad'}`} aria-hidden="true" />
                  {l.name} <span className="muted">{l.address}:{l.port}</span>
                </li>
              ))}
            </ul>
          ) : null}
          {status ? <div className="muted small">v{status.version}</div> : null}
        </div>
      </nav>
      <main id="main" tabIndex={-1} className="main">
        {!status && error ? <ErrorNotice error={error} what="reach the engine" /> : null}
        {status ? <Page route={route} /> : !error ? <div className="loading">Connecting to the engine…</div> : null}
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }): ReactNode {
  switch (route.name) {
    case 'sessions':
      return <SessionsPage />;
    case 'session':
      return <SessionPage sid={route.sid} />;
    case 'messages':
      return <MessagesPage />;
    case 'message':
      return <MessagePage id={route.id} />;
    case 'queue':
      return <QueuePage state={route.state} />;
    case 'config':
      return <ConfigPage />;
    case 'send':
      return <SendPage />;
  }
}
