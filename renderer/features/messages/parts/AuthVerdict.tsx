// The engine's own SPF, DKIM, DMARC and ARC verdicts for a message, with the DNS records they
// used, DMARC alignment as a worked computation, and what the policy decided.
import type { ReactNode } from 'react';
import { Badge, type Tone } from '../../../components/ui';
import { fmtDateTimeSec, fmtDuration } from '../../../lib/format';
import type { MessageAuth } from '../../../lib/types';

type Verdict = MessageAuth['verdict'];

export const RESULT_TONE: Record<string, Tone> = {
  pass: 'ok',
  fail: 'bad',
  softfail: 'warn',
  neutral: 'muted',
  none: 'muted',
  temperror: 'warn',
  permerror: 'bad',
  policy: 'warn',
};

const RESULT_TEXT: Record<string, string> = {
  pass: 'the check succeeded',
  fail: 'the check failed: the domain says this is not from it',
  softfail: 'probably not authorized (the domain is not sure)',
  neutral: 'the domain makes no statement',
  none: 'nothing to check (no record or no signature)',
  temperror: 'a temporary DNS error; try again later',
  permerror: 'the record is broken and cannot be evaluated',
  policy: 'valid, but refused by local policy',
};

const ACTION_TONE: Record<string, Tone> = { accept: 'ok', reject: 'bad', defer: 'warn', hold: 'warn' };

export function Result({ r }: { r: string }): ReactNode {
  return (
    <Badge tone={RESULT_TONE[r] ?? 'neutral'} title={RESULT_TEXT[r]}>
      {r}
    </Badge>
  );
}

export function AuthSummary({ auth }: { auth: MessageAuth }): ReactNode {
  const v = auth.verdict;
  const d = auth.decision;
  return (
    <div className="auth-summary" data-testid="auth-summary">
      <span>
        SPF <Result r={v.spf.result} />
      </span>
      <span>
        DKIM{' '}
        {v.dkim.length ? (
          v.dkim.map((s, k) => (
            <span key={k} title={`d=${s.d} s=${s.s}`}>
              <Result r={s.result} />{' '}
            </span>
          ))
        ) : (
          <Result r="none" />
        )}
      </span>
      <span>
        DMARC <Result r={v.dmarc.result} />
      </span>
      <span>
        ARC <Result r={v.arc.result} />
      </span>
      <span className="auth-decision">
        Decision: <Badge tone={ACTION_TONE[d.action] ?? 'neutral'}>{d.action}</Badge> {d.code ? <code>{`${d.code} ${d.status ?? ''} ${d.text ?? ''}`.trim()}</code> : null}{' '}
        <span className="muted">{d.reason}</span>
      </span>
    </div>
  );
}

export function AuthVerdictDetails({ auth }: { auth: MessageAuth }): ReactNode {
  const v = auth.verdict;
  return (
    <div className="auth-details">
      {v.skipped ? <div className="notice notice-info">Header checks were skipped: {v.skipped}</div> : null}
      <Spf v={v} />
      <Dkim v={v} />
      <Dmarc v={v} />
      <Arc v={v} />
      <DnsQueries v={v} />
      <details className="raw-received">
        <summary>The headers these results become (Authentication-Results, Received-SPF; added above Received when the message is accepted)</summary>
        <pre className="mono">{`${v.headers.authenticationResults}\n${v.headers.receivedSpf}`}</pre>
      </details>
    </div>
  );
}

function Spf({ v }: { v: Verdict }): ReactNode {
  const s = v.spf;
  return (
    <section className="auth-block" data-testid="auth-spf">
      <h3>
        SPF <Result r={s.result} />
      </h3>
      <p>
        May <span className="mono">{s.clientIp}</span> send mail for <span className="mono">{s.domain}</span>? Checked identity:{' '}
        {s.identity === 'mailfrom' ? (
          <>
            the envelope sender <span className="mono">{s.sender}</span>
          </>
        ) : (
          <>
            the HELO name <span className="mono">{s.helo}</span> (the envelope sender was empty)
          </>
        )}
        . The answer: {s.comment}.
      </p>
      <ul className="plain-list small">
        {s.mechanism ? (
          <li>
            Decided by the term <code>{s.mechanism}</code>
          </li>
        ) : null}
        {s.problem ? <li>Problem: {s.problem}</li> : null}
        <li>
          DNS lookups: {s.lookups.count} of {s.lookups.limit} allowed, {s.lookups.void} of {s.lookups.voidLimit} empty answers allowed
        </li>
      </ul>
      {s.records.length ? (
        <table className="table">
          <thead>
            <tr>
              <th>SPF record of</th>
              <th>TXT record as fetched</th>
            </tr>
          </thead>
          <tbody>
            {s.records.map((r, k) => (
              <tr key={k}>
                <td className="mono">{r.domain}</td>
                <td className="mono small">{r.record}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">No SPF record was found.</p>
      )}
      {v.spfHelo ? (
        <p className="small">
          The HELO name <span className="mono">{v.spfHelo.domain}</span> on its own: <Result r={v.spfHelo.result} /> {v.spfHelo.comment}
        </p>
      ) : null}
    </section>
  );
}

function Dkim({ v }: { v: Verdict }): ReactNode {
  return (
    <section className="auth-block" data-testid="auth-dkim">
      <h3>DKIM signatures</h3>
      {v.dkim.length === 0 ? <p className="muted">The message carries no DKIM-Signature: nothing to verify.</p> : null}
      {v.dkim.map((s, k) => (
        <div key={k} className="dkim-sig">
          <p>
            <Result r={s.result} /> Signature by <span className="mono">{s.d || '?'}</span>, selector <span className="mono">{s.s || '?'}</span>, {s.a || 'no algorithm'}
            {s.c ? `, canonicalization ${s.c}` : ''}
            {s.reason ? <span className="muted"> — {s.reason}</span> : null}
          </p>
          <ul className="plain-list small">
            <li>
              Public key: <span className="mono">{s.s}._domainkey.{s.d}</span> TXT{' '}
              {s.keyRecord ? <code className="break">{s.keyRecord}</code> : <span className="muted">not fetched or not found</span>}
              {s.keyType ? ` (${s.keyType}${s.keyBits ? `, ${s.keyBits} bits` : ''})` : ''}
            </li>
            <li>
              Body hash:{' '}
              {s.bodyHash === 'pass' ? 'matches (the body is unchanged)' : s.bodyHash === 'fail' ? 'does not match: the body was changed after signing' : 'not checked'}
              {s.bodyLengthLimit !== undefined ? `; only the first ${s.bodyLengthLimit} bytes are covered (l=), so text may have been appended` : ''}
            </li>
            <li>Signed headers: {s.signedHeaders.join(', ') || 'none'}</li>
            {s.signedAt || s.expiresAt ? (
              <li>
                {s.signedAt ? `Signed ${fmtDateTimeSec(s.signedAt)}` : ''}
                {s.expiresAt ? `${s.signedAt ? ', ' : ''}expires ${fmtDateTimeSec(s.expiresAt)}` : ''}
              </li>
            ) : null}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Dmarc({ v }: { v: Verdict }): ReactNode {
  const m = v.dmarc;
  const mode = (x: string): string => (x === 's' ? 'strict: the domains must be equal' : 'relaxed: same organizational domain');
  return (
    <section className="auth-block" data-testid="auth-dmarc">
      <h3>
        DMARC <Result r={m.result} />
      </h3>
      {m.fromDomain ? (
        <ol className="worked">
          <li>
            From domain <span className="mono">{m.fromDomain}</span>, organizational domain <span className="mono">{m.orgDomain ?? '?'}</span> (public suffix list).
          </li>
          <li>
            {m.record ? (
              <>
                Policy record at <span className="mono">{m.recordDomain?.startsWith('_dmarc.') ? m.recordDomain : `_dmarc.${m.recordDomain ?? m.fromDomain}`}</span>:{' '}
                <code className="break">{m.record}</code>
                {m.tags ? (
                  <span className="muted">
                    {' '}
                    → p={m.tags.p}
                    {m.tags.sp ? ` sp=${m.tags.sp}` : ''} pct={m.tags.pct} adkim={m.tags.adkim} aspf={m.tags.aspf}
                  </span>
                ) : null}
              </>
            ) : (
              <>No DMARC record: the domain asks for nothing{m.reason ? ` (${m.reason})` : ''}.</>
            )}
          </li>
          <li>
            Alignment: an identifier counts when it passed its own check <em>and</em> aligns with the From domain.
            <table className="table">
              <thead>
                <tr>
                  <th>Identifier</th>
                  <th>Domain</th>
                  <th>Its result</th>
                  <th>Aligned with {m.fromDomain}?</th>
                  <th>Counts for DMARC</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>SPF (envelope sender)</td>
                  <td className="mono">{m.spf.domain ?? '—'}</td>
                  <td>
                    <Result r={m.spf.result} />
                  </td>
                  <td title={mode(m.spf.mode)}>{m.spf.aligned ? <Badge tone="ok">yes ({m.spf.mode})</Badge> : <Badge tone="bad">no ({m.spf.mode})</Badge>}</td>
                  <td>{m.spf.counts ? <Badge tone="ok">yes</Badge> : <Badge tone="muted">no</Badge>}</td>
                </tr>
                {m.dkim.map((k, i) => (
                  <tr key={i}>
                    <td>DKIM signature</td>
                    <td className="mono">{k.d}</td>
                    <td>
                      <Result r={k.result} />
                    </td>
                    <td title={mode(m.dkimMode)}>{k.aligned ? <Badge tone="ok">yes ({m.dkimMode})</Badge> : <Badge tone="bad">no ({m.dkimMode})</Badge>}</td>
                    <td>{k.counts ? <Badge tone="ok">yes</Badge> : <Badge tone="muted">no</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
          <li>
            Result: <Result r={m.result} /> —{' '}
            {m.result === 'pass'
              ? 'at least one identifier counts.'
              : m.result === 'fail'
                ? 'no identifier counts.'
                : (m.reason ?? RESULT_TEXT[m.result] ?? m.result)}
          </li>
          {m.result === 'fail' && m.policyFound ? (
            <li>
              Policy found: {m.policyFound}
              {m.sampled === false ? `, but this message fell outside pct=${m.tags?.pct ?? 100}, so the weaker policy ${m.policyApplied ?? 'none'} applies` : ''}. The domain
              owner asks: <Badge tone={m.disposition === 'reject' ? 'bad' : m.disposition === 'quarantine' ? 'warn' : 'muted'}>{m.disposition}</Badge>
            </li>
          ) : null}
        </ol>
      ) : (
        <p className="muted">No usable From domain: {m.reason ?? 'DMARC cannot be evaluated'}.</p>
      )}
    </section>
  );
}

function Arc({ v }: { v: Verdict }): ReactNode {
  const a = v.arc;
  return (
    <section className="auth-block" data-testid="auth-arc">
      <h3>
        ARC <Result r={a.result} />
      </h3>
      {a.sets.length === 0 ? (
        <p className="muted">No ARC chain: no forwarder vouched for earlier results.</p>
      ) : (
        <>
          <p className="small">
            Each forwarder adds a numbered set recording what it saw. {a.reason ? <span className="muted">{a.reason}</span> : null}
          </p>
          <table className="table">
            <thead>
              <tr>
                <th>i</th>
                <th>Sealed by</th>
                <th>Chain before it (cv)</th>
                <th>What that hop recorded</th>
              </tr>
            </thead>
            <tbody>
              {a.sets.map((s) => (
                <tr key={s.i}>
                  <td className="num">{s.i}</td>
                  <td className="mono">
                    {s.seal.d} <span className="muted">(s={s.seal.s})</span>
                  </td>
                  <td>
                    <Result r={s.seal.cv} />
                  </td>
                  <td className="mono small">{s.authResults.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {a.latestAuthResults ? (
            <p className="small">
              The last forwarder ({a.latestAuthResults.authservId}) saw: SPF {a.latestAuthResults.spf ?? '—'}, DKIM {a.latestAuthResults.dkim.join(', ') || '—'}, DMARC{' '}
              {a.latestAuthResults.dmarc ?? '—'}. That can explain a DKIM signature that broke on the way.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

function DnsQueries({ v }: { v: Verdict }): ReactNode {
  if (v.dnsQueries.length === 0) return null;
  return (
    <details className="auth-block" data-testid="auth-dns">
      <summary>
        <strong>Every DNS query made</strong> ({v.dnsQueries.length}
        {v.dnsQueriesDropped ? ` + ${v.dnsQueriesDropped} not kept` : ''}, {fmtDuration(v.ms)} in all)
      </summary>
      <table className="table">
        <thead>
          <tr>
            <th>For</th>
            <th>Name</th>
            <th>Type</th>
            <th>Answer</th>
            <th className="num">Time</th>
          </tr>
        </thead>
        <tbody>
          {v.dnsQueries.map((q, k) => (
            <tr key={k}>
              <td>{q.phase}</td>
              <td className="mono">{q.name}</td>
              <td>{q.type}</td>
              <td className="mono small">{q.error ? <Badge tone="warn">{q.error}</Badge> : JSON.stringify(q.answer)}</td>
              <td className="num">{fmtDuration(q.ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
