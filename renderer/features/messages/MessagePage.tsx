// One message: identities, path (hops), authentication, routing, source (headers, MIME, bodies).
import type { ReactNode } from 'react';
import { href } from '../../app/router';
import { Badge, ErrorNotice, Loading, PageHeader } from '../../components/ui';
import { decodeMimeWords } from '../../lib/addresses';
import { fmtBytes, fmtDateTime } from '../../lib/format';
import { AuthPanel } from './parts/AuthPanel';
import { HopTimeline } from './parts/HopTimeline';
import { Identities } from './parts/Identities';
import { RawHeaders } from './parts/RawHeaders';
import { Routing } from './parts/Routing';
import { STATE_INFO } from './states';
import { useMessage } from './useMessage';

const SECTIONS: [string, string][] = [
  ['identities', 'Identities'],
  ['path', 'Path'],
  ['auth', 'Authentication'],
  ['routing', 'Routing'],
  ['raw', 'Source'],
];

export function MessagePage({ id }: { id: string }): ReactNode {
  const { detail: d, error, loading } = useMessage(id);
  const back = (
    <a className="back" title="Back to the list (Esc)" href={href({ name: 'messages' })}>
      ← Messages
    </a>
  );
  if (loading) return <div className="page">{back}<Loading what="the message" /></div>;
  if (!d) return <div className="page">{back}<ErrorNotice error={error} what={`open message ${id}`} /></div>;
  const s = d.summary;
  return (
    <div className="page">
      {back}
      <PageHeader
        title={
          <>
            {s.subject ? decodeMimeWords(s.subject) : <span className="muted">(no subject)</span>}{' '}
            <Badge tone={STATE_INFO[s.state].tone} title={STATE_INFO[s.state].text}>
              {s.state}
            </Badge>
          </>
        }
        subtitle={
          <>
            Queue id <span className="mono">{s.id}</span> · arrived {fmtDateTime(s.arrivedAt)} · {fmtBytes(s.size)} · {s.recipients.length} recipient
            {s.recipients.length === 1 ? '' : 's'}
          </>
        }
      />
      <nav className="section-nav" aria-label="Sections of this message">
        {SECTIONS.map(([k, label]) => (
          <a
            key={k}
            href={`#/messages/${encodeURIComponent(id)}`}
            onClick={(e) => {
              e.preventDefault();
              const el = document.getElementById(k);
              el?.scrollIntoView({ block: 'start' });
              el?.querySelector<HTMLElement>('h2')?.focus();
            }}
          >
            {label}
          </a>
        ))}
      </nav>
      <Identities d={d} />
      <HopTimeline d={d} />
      <AuthPanel d={d} />
      <Routing d={d} />
      <RawHeaders d={d} />
    </div>
  );
}
