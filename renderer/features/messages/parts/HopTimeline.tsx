// (b) The header stack as the path the message took: each Received header is a hop, read
// bottom-up from the author's program to this server, with protocol, TLS, time and delay.
import type { ReactNode } from 'react';
import type { HeaderField, MessageDetail } from '../../../../engine/api/contract';
import { Badge, Panel } from '../../../components/ui';
import { fmtDateTimeSec, fmtDuration } from '../../../lib/format';
import { buildHopTimeline, protocolMeaning, type Hop } from '../../../lib/received';

export function HopTimeline({ d }: { d: MessageDetail }): ReactNode {
  const t = buildHopTimeline(d.headers, d.headersAdded);
  const newestFirst = [...t.hops].reverse();
  return (
    <Panel
      id="path"
      title="The path it took: Received headers, read bottom-up"
      help="Every mail server that handles a message adds a Received header on top. So the header stack reads from the bottom (the oldest hop, closest to the author) up to the top (this server). Hops above the first one that you control can be forged by the sender."
    >
      <ol className="hops" data-testid="hop-timeline" reversed>
        {newestFirst.map((h) => (
          <HopStep key={h.n} h={h} />
        ))}
        <li className="hop hop-origin" data-testid="hop-origin">
          <div className="hop-head">
            <span className="hop-n">Start</span>
            <strong>Written by the author's mail program</strong>
            <span className="hop-time">{t.origin.at !== undefined ? fmtDateTimeSec(t.origin.at) : t.origin.dateText ?? 'no Date header'}</span>
          </div>
          <p className="muted small">The Date header says when it was written. These headers were there before any server touched it:</p>
          <HeaderList headers={t.origin.headers} />
        </li>
      </ol>
      {t.hops.length === 0 ? <p className="muted">No Received header: the message never passed through a mail server (it was made here).</p> : null}
    </Panel>
  );
}

function HopStep({ h }: { h: Hop }): ReactNode {
  const i = h.info;
  const p = protocolMeaning(i.protocol);
  const tls = i.tls !== undefined || p.tls === true;
  return (
    <li className={`hop${h.ours ? ' hop-ours' : ''}`} data-testid="hop">
      {h.delayMs !== undefined ? (
        <div className={`hop-delay${h.delayMs < 0 ? ' hop-delay-bad' : h.delayMs > 60_000 ? ' hop-delay-long' : ''}`}>
          ↑ {h.delayMs < 0 ? `${fmtDuration(h.delayMs)} (clock skew: this hop's time is earlier than the step below)` : `${fmtDuration(h.delayMs)} later`}
        </div>
      ) : null}
      <div className="hop-head">
        <span className="hop-n">Hop {h.n}</span>
        <strong>
          received by <span className="mono">{i.by ?? 'unknown host'}</span>
        </strong>
        {i.software ? <span className="muted">({i.software})</span> : null}
        {h.ours ? <Badge tone="info">this server</Badge> : null}
        <span className="hop-time">{i.at !== undefined ? fmtDateTimeSec(i.at) : i.dateText ?? 'no time'}</span>
      </div>
      <dl className="hop-facts">
        <div>
          <dt>from</dt>
          <dd>
            {i.helo ? (
              <>
                <span className="mono">{i.helo}</span> <span className="muted">(its HELO name)</span>
              </>
            ) : (
              <span className="muted">not stated</span>
            )}
          </dd>
        </div>
        <div>
          <dt>IP address</dt>
          <dd>
            {i.ip ? <span className="mono">{i.ip}</span> : <span className="muted">not stated</span>}
            {i.rdns ? <span className="muted"> — reverse DNS: {i.rdns}</span> : null}
          </dd>
        </div>
        <div>
          <dt>protocol</dt>
          <dd>
            {i.protocol ? <code className="code-chip">{i.protocol}</code> : null} {p.text}
          </dd>
        </div>
        <div>
          <dt>TLS</dt>
          <dd>{tls ? <Badge tone="tls">{i.tls ?? 'encrypted'}</Badge> : p.tls === false ? <Badge tone="warn">not encrypted</Badge> : <span className="muted">not stated</span>}</dd>
        </div>
        {i.authUser || p.auth ? (
          <div>
            <dt>logged in</dt>
            <dd>{i.authUser ? <Badge tone="auth">{i.authUser}</Badge> : 'yes (SMTP AUTH)'}</dd>
          </div>
        ) : null}
        {i.id || i.for ? (
          <div>
            <dt>queue id</dt>
            <dd>
              <span className="mono">{i.id ?? '—'}</span>
              {i.for ? <span className="muted"> for {i.for}</span> : null}
            </dd>
          </div>
        ) : null}
      </dl>
      {h.added.length ? (
        <>
          <p className="muted small">Headers this hop added above its Received header:</p>
          <HeaderList headers={h.added} />
        </>
      ) : null}
      <details className="raw-received">
        <summary>Raw Received header</summary>
        <pre className="mono">Received: {h.received.value}</pre>
      </details>
    </li>
  );
}

function HeaderList({ headers }: { headers: HeaderField[] }): ReactNode {
  if (headers.length === 0) return <p className="muted small">(none)</p>;
  return (
    <ul className="header-list">
      {headers.map((h, k) => (
        <li key={k}>
          <span className="hname">{h.name}:</span> <span className="hvalue">{h.value}</span>
        </li>
      ))}
    </ul>
  );
}
