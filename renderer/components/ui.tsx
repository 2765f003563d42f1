// Small shared pieces: badges, error and empty notices, a page header, a labelled field.
import type { ReactNode } from 'react';
import { ApiCallError } from '../lib/api';

export type Tone = 'neutral' | 'ok' | 'bad' | 'warn' | 'info' | 'tls' | 'auth' | 'muted';

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string }): ReactNode {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function ErrorNotice({ error, what }: { error: unknown; what?: string }): ReactNode {
  const code = error instanceof ApiCallError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    code === 'API.UNAUTHORIZED'
      ? 'Not signed in: open the address relaylab printed when it started (it ends in ?token=…).'
      : code === 'CLIENT.NETWORK'
        ? 'The engine does not answer. Is relaylab still running?'
        : undefined;
  return (
    <div className="notice notice-bad" role="alert">
      <strong>{what ? `Could not ${what}` : 'Something went wrong'}:</strong> {message}
      {code ? <code className="code-chip">{code}</code> : null}
      {hint ? <div className="notice-hint">{hint}</div> : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <div className="empty">{children}</div>;
}

export function PageHeader({ title, subtitle, children }: { title: ReactNode; subtitle?: ReactNode; children?: ReactNode }): ReactNode {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="subtitle">{subtitle}</p> : null}
      </div>
      {children ? <div className="page-actions">{children}</div> : null}
    </header>
  );
}

export function Panel({ title, help, children, id, actions }: { title: ReactNode; help?: ReactNode; children: ReactNode; id?: string; actions?: ReactNode }): ReactNode {
  return (
    <section className="panel" aria-labelledby={id ? `${id}-title` : undefined} id={id}>
      <header className="panel-header">
        <h2 id={id ? `${id}-title` : undefined} tabIndex={-1}>{title}</h2>
        {actions}
      </header>
      {help ? <p className="panel-help">{help}</p> : null}
      {children}
    </section>
  );
}

export function Loading({ what }: { what: string }): ReactNode {
  return (
    <div className="loading" role="status">
      Loading {what}…
    </div>
  );
}
