// (c) Authentication: SPF, DKIM, DMARC, ARC. The engine's own verdicts (messages.get `auth`) when
// it verified the message; otherwise "not verified", with what the headers claim and the DMARC
// alignment worked out from the domains alone.
import type { ReactNode } from 'react';
import type { MessageDetail } from '../../../../engine/api/contract';
import { Badge, Panel } from '../../../components/ui';
import { domainOf, parseAddressList } from '../../../lib/addresses';
import { authHeaders, computeAlignment } from '../../../lib/auth-results';
import { AuthSummary, AuthVerdictDetails, RESULT_TONE } from './AuthVerdict';

export function AuthPanel({ d }: { d: MessageDetail }): ReactNode {
  const engineAuth = d.auth;
  // Our authserv-id is our hostname: the "by" of the Received header we added.
  const ours = d.headers.slice(0, d.headersAdded.length).find((h) => h.name.toLowerCase() === 'received');
  const ourId = ours ? (/\bby\s+([^\s;()]+)/i.exec(ours.value)?.[1] ?? '') : '';
  const { results: allResults, dkim } = authHeaders(d.headers);
  // Our own Authentication-Results is shown as the verdict above, not as a claim of "earlier servers".
  const results = engineAuth && ourId ? allResults.filter((r) => r.authservId.toLowerCase() !== ourId.toLowerCase()) : allResults;
  const fromDomain = domainOf(parseAddressList(d.headers.find((h) => h.name.toLowerCase() === 'from')?.value)[0]?.address ?? '');
  const spfDomain = domainOf(d.envelope.sender);
  const alignment = fromDomain ? computeAlignment(fromDomain, spfDomain, dkim.map((s) => s.d ?? '').filter(Boolean)) : undefined;

  return (
    <Panel
      id="auth"
      title="Authentication: SPF, DKIM, DMARC, ARC"
      help="SPF asks whether the sending IP may send for the envelope sender's domain. DKIM checks a signature made by a domain. DMARC passes when SPF or DKIM passes for a domain aligned with the From domain. ARC carries these results across forwarders."
    >
      <div data-testid="auth-panel">
        {engineAuth === undefined ? (
          <div className="notice notice-info" data-testid="auth-not-verified">
            <Badge tone="muted">not verified</Badge> This engine did not check SPF, DKIM, DMARC or ARC for this message (it was made here, or arrived before
            verification was on). Below: what the message's own headers claim, and the alignment DMARC would compute.
          </div>
        ) : (
          <>
            <AuthSummary auth={engineAuth} />
            <AuthVerdictDetails auth={engineAuth} />
          </>
        )}
        {d.signing ? (
          <p data-testid="dkim-signing">
            <strong>DKIM signing by this server:</strong>{' '}
            {d.signing.signed ? (
              <>
                signed as <span className="mono">{d.signing.d}</span> with selector <span className="mono">{d.signing.s}</span> ({d.signing.a})
              </>
            ) : (
              <>not signed{d.signing.reason ? `: ${d.signing.reason}` : ''}</>
            )}
          </p>
        ) : null}

        <h3>What earlier servers recorded (Authentication-Results headers)</h3>
        {results.length === 0 ? (
          <p className="muted">None in this message.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Header</th>
                <th>Checked by</th>
                <th>Method</th>
                <th>Result</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {results.flatMap((h, k) =>
                h.results.map((r, j) => (
                  <tr key={`${k}-${j}`}>
                    <td>{h.name}</td>
                    <td className="mono">{h.authservId}</td>
                    <td>{r.method.toUpperCase()}</td>
                    <td>
                      <Badge tone={RESULT_TONE[r.result] ?? 'neutral'}>{r.result}</Badge>
                    </td>
                    <td className="small">
                      {Object.entries(r.props).map(([k2, v]) => (
                        <span key={k2} className="kv">
                          {k2}=<span className="mono">{v}</span>
                        </span>
                      ))}
                      {r.comment ? <span className="muted"> ({r.comment})</span> : null}
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        )}
        <p className="muted small">Only results recorded by a server you trust mean anything: a sender can write any Authentication-Results header it likes.</p>

        {engineAuth ? null : <h3>DKIM signatures in the message</h3>}
        {engineAuth ? null : (
          <>
        {dkim.length === 0 ? (
          <p className="muted">No DKIM-Signature header: the message is not signed.</p>
        ) : (
          <ul className="plain-list">
            {dkim.map((s, k) => (
              <li key={k}>
                Signed by <span className="mono">{s.d ?? '?'}</span> with selector <span className="mono">{s.s ?? '?'}</span> ({s.a ?? 'algorithm not stated'}
                ): the public key is published in DNS at <span className="mono">{s.s}._domainkey.{s.d}</span> (TXT). Signed headers: {s.h.join(', ') || 'none listed'}.
              </li>
            ))}
          </ul>
        )}

        <h3>DMARC alignment, worked out</h3>
        {!alignment ? (
          <p className="muted">No From address, so DMARC has nothing to align with.</p>
        ) : (
          <div className="alignment" data-testid="dmarc-alignment">
            <p>
              From domain: <span className="mono">{alignment.fromDomain}</span> → organizational domain <span className="mono">{alignment.fromOrg}</span>
            </p>
            {alignment.checks.length === 0 ? <p className="muted">No SPF domain (null sender) and no DKIM signature: nothing can align, so DMARC would fail.</p> : null}
            <table className="table">
              <thead>
                <tr>
                  <th>Identifier</th>
                  <th>Domain</th>
                  <th>Organizational domain</th>
                  <th title="adkim=s / aspf=s: the domains must be equal">Strict</th>
                  <th title="adkim=r / aspf=r (the default): same organizational domain">Relaxed</th>
                </tr>
              </thead>
              <tbody>
                {alignment.checks.map((c) => (
                  <tr key={c.label}>
                    <td>{c.label}</td>
                    <td className="mono">{c.domain}</td>
                    <td className="mono">{c.org}</td>
                    <td>{c.strict ? <Badge tone="ok">aligned</Badge> : <Badge tone="bad">no</Badge>}</td>
                    <td>{c.relaxed ? <Badge tone="ok">aligned</Badge> : <Badge tone="bad">no</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="small">
              DMARC passes when at least one aligned identifier also <em>passes</em> its own check (SPF pass, or a valid DKIM signature).
              {alignment.checks.some((c) => c.relaxed)
                ? ' Here an aligned identifier exists, so DMARC can pass if that check passes.'
                : ' Here nothing aligns with the From domain, so DMARC would fail whatever SPF and DKIM say.'}{' '}
              <span className="muted">(Organizational domains are approximated here; the engine uses the public suffix list.)</span>
            </p>
          </div>
        )}
          </>
        )}
      </div>
    </Panel>
  );
}
