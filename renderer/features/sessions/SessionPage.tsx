// One session: who connected, how (TLS, AUTH, XCLIENT), the conversation, what was accepted.
import { useEffect, useMemo, type ReactNode } from 'react';
import { href } from '../../app/router';
import { Badge, ErrorNotice, Loading, PageHeader } from '../../components/ui';
import { fmtDateTime, fmtDuration } from '../../lib/format';
import { markAfterPaint } from '../../lib/perf';
import { buildTranscript } from '../../lib/transcript';
import { Transcript } from './parts/Transcript';
import { OUTCOME_TONE } from './SessionsPage';
import { useSession } from './useSession';

export function SessionPage({ sid }: { sid: string }): ReactNode {
  const { detail, error, loading } = useSession(sid);
  const rows = useMemo(() => (detail ? buildTranscript(detail) : []), [detail]);
  useEffect(() => {
    if (detail) markAfterPaint('relaylab:session:rendered', sid);
  }, [detail?.summary.sid]); // eslint-disable-line react-hooks/exhaustive-deps

  const back = (
    <a className="back" title="Back to the list (Esc)" href={href({ name: 'sessions' })}>
      ← Sessions
    </a>
  );
  if (loading) return <div className="page">{back}<Loading what="the session" /></div>;
  if (!detail) return <div className="page">{back}<ErrorNotice error={error} what={`open session ${sid}`} /></div>;
  const s = detail.summary;
  const tls = detail.events.find((e) => e.t === 'tls' && e.ok);
  const refused = detail.lines.filter((l) => l.dir === 'S' && /^[45]/.test(l.line));

  return (
    <div className="page">
      {back}
      <PageHeader
        title={
          <>
            Session <span className="mono">{s.sid}</span>{' '}
            <Badge tone={OUTCOME_TONE[s.outcome]}>{s.outcome}</Badge>
            {s.outcome === 'open' ? <span className="live-dot" title="Still connected: new lines appear as they happen" /> : null}
          </>
        }
        subtitle={`${s.peer.ip} (${s.peer.name}) → listener ${s.listener}, ${fmtDateTime(s.openedAt)}`}
      />
      <dl className="facts" data-testid="session-facts">
        <Fact k="Client" v={<><span className="mono">{s.peer.ip}:{s.peer.port}</span> <span className="muted">{s.peer.name === 'unknown' ? 'no reverse DNS name' : s.peer.name}</span></>} />
        <Fact k="Network" v={<Badge tone={s.net === 'public' ? 'warn' : 'neutral'}>{s.net}</Badge>} />
        {s.claimed ? <Fact k="XCLIENT" v={<>acts for <span className="mono">{s.claimed.ip}</span> ({s.claimed.net}){s.claimed.login ? `, login ${s.claimed.login}` : ''}</>} /> : null}
        <Fact k="Listener" v={<>{s.listener} <span className="muted">({s.role === 'mx' ? 'MX: mail from the Internet' : 'submission: mail from users'})</span></>} />
        <Fact k="HELO" v={s.helo ? <span className="mono">{s.helo}</span> : <span className="muted">not sent</span>} />
        <Fact k="TLS" v={s.tls ? <Badge tone="tls">{tls && tls.t === 'tls' && tls.protocol ? `${tls.protocol}${tls.cipher ? ` ${tls.cipher}` : ''}` : 'yes'}</Badge> : <span className="muted">not encrypted</span>} />
        <Fact k="Logged in" v={s.authUser ? <Badge tone="auth">{s.authUser}</Badge> : <span className="muted">no</span>} />
        <Fact k="Duration" v={s.closedAt ? fmtDuration(s.closedAt - s.openedAt) : 'still open'} />
        <Fact
          k="Refusals"
          v={
            refused.length ? (
              <span className="refusals">
                {refused.slice(0, 3).map((l) => (
                  <button key={l.seq} type="button" className="link-button refusal-link" title="Show it in the conversation" onClick={() => jumpTo(l.seq)}>
                    {l.line.length > 60 ? `${l.line.slice(0, 57)}…` : l.line}
                  </button>
                ))}
                {refused.length > 3 ? <span className="muted">and {refused.length - 3} more</span> : null}
              </span>
            ) : (
              <span className="muted">none</span>
            )
          }
        />
        <Fact
          k="Messages"
          v={
            detail.messages.length ? (
              <span className="links">
                {detail.messages.map((id) => (
                  <a key={id} href={href({ name: 'message', id })} className="mono">
                    {id}
                  </a>
                ))}
              </span>
            ) : (
              <span className="muted">none accepted</span>
            )
          }
        />
      </dl>
      <Transcript rows={rows} />
    </div>
  );
}

/** Scrolls the transcript to the row holding wire line `seq` and highlights it briefly. */
function jumpTo(seq: number): void {
  // A multi-line reply's row carries the seq of its first line: take the last row at or before seq.
  const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="transcript"] [data-seq]')];
  const row = rows.filter((r) => Number(r.dataset.seq) <= seq).pop();
  if (!row) return;
  row.scrollIntoView({ block: 'center' });
  row.classList.add('flash');
  setTimeout(() => row.classList.remove('flash'), 1600);
}

function Fact({ k, v }: { k: string; v: ReactNode }): ReactNode {
  return (
    <div className="fact">
      <dt>{k}</dt>
      <dd>{v}</dd>
    </div>
  );
}
