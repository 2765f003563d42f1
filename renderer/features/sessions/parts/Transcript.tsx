// The two-sided transcript: the client on the left, this server on the right, what happened
// in between (TLS, AUTH, policy checks, DNS) across the middle, and the time between lines.
import { useState, type ReactNode } from 'react';
import { href } from '../../../app/router';
import { CommandBubble, WireLines } from '../../../components/wire';
import { fmtDateTime, fmtDuration } from '../../../lib/format';
import { explainCapability } from '../../../lib/reply-codes';
import type { CheckEvent, TranscriptRow } from '../../../lib/transcript';
import { AuthVerdictDetails } from '../../messages/parts/AuthVerdict';

const SHOW_FIRST = 1500;

/** Steps that decide a reply without being a restriction check (no check event of their own). */
const STEP_NAMES: Record<string, string> = {
  mailauth: 'the mail authentication step at end of data (SPF, DKIM, DMARC, ARC; see AUTH above)',
  srs: 'the SRS address check (a bounce to a forged or expired SRS address)',
  virtual_alias_maps: 'the virtual alias table lookup',
  reject_unlisted_recipient: 'the recipient is not listed in the virtual alias table',
};

export function Transcript({ rows }: { rows: TranscriptRow[] }): ReactNode {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, SHOW_FIRST);
  return (
    <div className="transcript" role="list" aria-label="SMTP conversation" data-testid="transcript">
      <div className="transcript-legend" aria-hidden="true">
        <span />
        <span>Client says</span>
        <span>Server ({'this engine'}) answers</span>
      </div>
      {shown.map((r) => (
        <Row key={r.key} r={r} />
      ))}
      {!all && rows.length > SHOW_FIRST ? (
        <button type="button" className="show-all" onClick={() => setAll(true)}>
          Show all {rows.length.toLocaleString()} rows
        </button>
      ) : null}
    </div>
  );
}

function Gap({ ms, at }: { ms?: number; at: number }): ReactNode {
  return (
    <span className={`gap${ms !== undefined && ms >= 1000 ? ' gap-long' : ''}`} title={`${fmtDateTime(at)}${ms !== undefined ? ` — ${fmtDuration(ms)} after the previous line` : ''}`}>
      {ms === undefined ? 'start' : `+${fmtDuration(ms)}`}
    </span>
  );
}

function Row({ r }: { r: TranscriptRow }): ReactNode {
  switch (r.kind) {
    case 'client':
      return (
        <div className="t-row t-client" role="listitem" data-seq={r.seq}>
          <Gap ms={r.gapMs} at={r.at} />
          <CommandBubble line={r.line} explain={r.explain} />
          <span />
        </div>
      );
    case 'reply':
      return <Reply r={r} />;
    case 'marker':
      return (
        <div className={`t-row t-marker marker-${r.tone}`} role="listitem" data-seq={r.seq}>
          <span className="gap" title={fmtDateTime(r.at)} />
          <div className="marker">
            {r.tone === 'tls' || r.tone === 'auth' ? (
              <span className={`marker-pill pill-${r.tone}`}>{r.tone === 'tls' ? 'TLS' : r.title.startsWith('DKIM') ? 'DKIM' : 'LOGIN'}</span>
            ) : (
              <span className="marker-icon" aria-hidden="true">
                {r.tone === 'ok' ? '✔' : r.tone === 'bad' ? '✖' : '•'}
              </span>
            )}
            <span className="marker-title">
              {r.messageId ? (
                <>
                  Message accepted: queue id{' '}
                  <a href={href({ name: 'message', id: r.messageId })} data-testid="message-link">
                    {r.messageId}
                  </a>
                </>
              ) : (
                r.title
              )}
            </span>
            {r.detail ? <span className="marker-detail">{r.detail}</span> : null}
          </div>
        </div>
      );
    case 'policy':
      return (
        <div className="t-row t-marker marker-policy" role="listitem" data-seq={r.seq}>
          <span className="gap" />
          <div className="marker">
            <CheckLine c={r.ev} />
          </div>
        </div>
      );
    case 'auth': {
      const v = r.ev.verdict;
      const d = r.ev.decision;
      const ok = d.action === 'accept';
      return (
        <div className={`t-row t-marker marker-${ok ? 'auth' : 'bad'}`} role="listitem" data-seq={r.seq} data-testid="auth-marker">
          <span className="gap" title={fmtDateTime(r.at)} />
          <div className="marker marker-block">
            <span className={`marker-pill pill-${ok ? 'auth' : 'bad'}`}>AUTH</span>
            <span className="marker-title">
              Authentication: SPF {v.spf.result}, DKIM {v.dkim.length ? v.dkim.map((s) => `${s.result} (${s.d})`).join(', ') : 'none'}, DMARC {v.dmarc.result}, ARC{' '}
              {v.arc.result} → {d.action}
            </span>
            <span className="marker-detail">{d.reason}</span>
            <details className="auth-inline">
              <summary>How each check came out: records, signatures, alignment</summary>
              <AuthVerdictDetails auth={{ verdict: v, decision: d }} />
            </details>
          </div>
        </div>
      );
    }
    case 'dns':
      return (
        <div className="t-row t-marker marker-dns" role="listitem" data-seq={r.seq}>
          <span className="gap" />
          <div className="marker">
            <span className="marker-icon" aria-hidden="true">
              ⌕
            </span>
            <span className="marker-title">
              DNS {r.ev.query.type} {r.ev.query.name} → {r.ev.query.error ?? short(r.ev.query.answer)}
            </span>
            <span className="marker-detail">
              {fmtDuration(r.ev.query.ms)}, from {r.ev.query.source}
            </span>
          </div>
        </div>
      );
  }
}

function short(v: unknown): string {
  const s = JSON.stringify(v ?? null);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

function verdictText(c: CheckEvent): string {
  const v = c.verdict;
  if (v.kind === 'next') return 'no decision (next check)';
  if (v.kind === 'accept') return 'permit (ends this list)';
  return `${v.kind} ${v.code} ${v.status}`;
}

export function CheckLine({ c, decisive }: { c: CheckEvent; decisive?: boolean }): ReactNode {
  const tone = c.verdict.kind === 'reject' ? 'bad' : c.verdict.kind === 'defer' ? 'warn' : c.verdict.kind === 'accept' ? 'ok' : 'muted';
  return (
    <span className={`check check-${tone}`} data-testid="check">
      <span className="check-icon" aria-hidden="true">
        ⚙
      </span>
      {decisive ? <strong>Decided by </strong> : null}
      <code className="check-name">{c.check}</code>
      <span className="muted">
        {' '}
        ({c.stage} stage, {c.list} list)
      </span>{' '}
      → <span className={`verdict verdict-${c.verdict.kind}`}>{verdictText(c)}</span>
      {c.detail ? <span className="check-detail"> — {c.detail}</span> : null}
    </span>
  );
}

function oneLine(r: Extract<TranscriptRow, { kind: 'reply' }>): string {
  const m = r.meaning;
  if (m.hint) return m.hint;
  const code = m.code.replace(/^\d+: /, '');
  const enhanced = m.enhanced?.replace(/^[\d.]+: [^—]*— /, '');
  return enhanced && m.kind === 'success' ? `${code}: ${enhanced}` : code;
}

function Reply({ r }: { r: Extract<TranscriptRow, { kind: 'reply' }> }): ReactNode {
  const m = r.meaning;
  const refusal = m.kind === 'temporary' || m.kind === 'permanent';
  const multi = r.lines.length > 1;
  return (
    <div className={`t-row t-server reply-${m.kind}`} role="listitem" data-seq={r.seq} data-testid="reply">
      <Gap ms={r.gapMs} at={r.at} />
      <span />
      <div className="bubble bubble-server">
        <WireLines lines={r.lines.map((l) => l.line)} note={(line, i) => (multi && i > 0 ? explainCapability(line.slice(4)) : undefined)} />
        <div className={`meaning meaning-${m.kind}`} data-testid="reply-meaning">
          <span className={`kind kind-${m.kind}`}>{m.title}</span>
          <span>{oneLine(r)}</span>
        </div>
        {refusal || r.checks.length > 0 ? (
          <div className="produced-by">
            {r.checks.length > 0 ? (
              <ul className="checks">
                {r.checks.map((c) => (
                  <li key={c.seq}>
                    <CheckLine c={c} decisive={c === r.check} />
                  </li>
                ))}
              </ul>
            ) : r.checkName ? (
              <span className="check">
                ⚙ Decided by <code className="check-name">{r.checkName}</code>
                {STEP_NAMES[r.checkName] ? <span className="check-detail"> — {STEP_NAMES[r.checkName]}</span> : null}
              </span>
            ) : (
              <span className="muted small">Produced by the SMTP protocol layer itself (no policy check involved).</span>
            )}
          </div>
        ) : null}
        <details className="reply-details" open={refusal}>
          <summary>What {r.code}{r.enhanced ? ` ${r.enhanced}` : ''} means</summary>
          <ul>
            <li>{m.code}</li>
            {m.enhanced ? <li>{m.enhanced}</li> : null}
            <li>{m.retry}</li>
          </ul>
        </details>
      </div>
    </div>
  );
}
