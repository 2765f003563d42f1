// (d) Routing: where it came from, each recipient (alias expansion), every delivery attempt,
// and the queue moves.
import type { ReactNode } from 'react';
import type { DeliveryRecord, MessageDetail } from '../../../../engine/api/contract';
import { href } from '../../../app/router';
import { Badge, Panel, type Tone } from '../../../components/ui';
import { fmtDateTime, fmtDuration } from '../../../lib/format';
import { STATE_INFO } from '../states';
import { NextHopTranscript } from './NextHopTranscript';

const RCPT_TONE: Record<string, Tone> = { pending: 'info', deferred: 'warn', sent: 'ok', failed: 'bad' };
const ACTION_TONE: Record<string, Tone> = { delivered: 'ok', relayed: 'ok', expanded: 'ok', delayed: 'warn', failed: 'bad' };

export function Routing({ d }: { d: MessageDetail }): ReactNode {
  const c = d.client;
  const start = d.summary.arrivedAt;
  return (
    <Panel id="routing" title="Routing: recipients, delivery attempts, queue" help="What this server did with the message after accepting it.">
      <p data-testid="arrival">
        {c ? (
          <>
            Arrived from <span className="mono">{c.ip}</span> ({c.name}
            {c.helo ? `, HELO ${c.helo}` : ''}), network <Badge tone={c.net === 'public' ? 'warn' : 'neutral'}>{c.net}</Badge>
            {c.tls ? <> over <Badge tone="tls">TLS</Badge></> : ' without TLS'}
            {c.authUser ? <>, logged in as <Badge tone="auth">{c.authUser}</Badge></> : ', not logged in'}
            {d.summary.sid ? (
              <>
                {' '}
                in session{' '}
                <a className="mono" href={href({ name: 'session', sid: d.summary.sid })}>
                  {d.summary.sid}
                </a>
              </>
            ) : null}
            .
          </>
        ) : (
          <>Made by this engine itself (for example a bounce); it did not arrive over SMTP.</>
        )}{' '}
        Now <Badge tone={STATE_INFO[d.summary.state].tone}>{d.summary.state}</Badge>: {STATE_INFO[d.summary.state].text}.
      </p>

      <h3>Recipients</h3>
      <table className="table" data-testid="routing-recipients">
        <thead>
          <tr>
            <th>Recipient</th>
            <th>Given at RCPT TO</th>
            <th>Status</th>
            <th className="num">Attempts</th>
            <th>Last result</th>
          </tr>
        </thead>
        <tbody>
          {d.envelope.recipients.map((r) => (
            <tr key={r.rcpt}>
              <td className="mono">{r.rcpt}</td>
              <td className="mono">{r.orcpt ? <>{r.orcpt} <span className="muted">(expanded)</span></> : <span className="muted">same</span>}</td>
              <td>
                <Badge tone={RCPT_TONE[r.status] ?? 'neutral'}>{r.status}</Badge>
              </td>
              <td className="num">{r.attempts}</td>
              <td className="small">{r.lastDsn ? <Dsn dsn={r.lastDsn} /> : <span className="muted">no attempt yet</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {d.aliases?.length ? (
        <>
          <h3>Alias expansion (virtual_alias_maps)</h3>
          <ul className="plain-list" data-testid="aliases">
            {d.aliases.map((a) => (
              <li key={a.rcpt}>
                <span className="mono">{a.rcpt}</span> → {a.result.map((r) => <span key={r} className="mono kv">{r}</span>)}
                <ol className="small">
                  {a.steps.map((st, k) => (
                    <li key={k}>
                      <span className="mono">{st.address}</span> looked up as <code>{st.key}</code> in <span className="mono">{st.table}</span>
                      {st.line ? ` (line ${st.line})` : ''} → {st.result.length ? st.result.join(', ') : 'no entry'}
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h3>Delivery attempts</h3>
      {d.deliveries.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <table className="table" data-testid="deliveries">
          <thead>
            <tr>
              <th>When</th>
              <th>Recipient</th>
              <th className="num">Attempt</th>
              <th>Via</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {d.deliveries.map((x: DeliveryRecord, k) => (
              <tr key={k}>
                <td className="mono small" title={fmtDateTime(x.at)}>
                  +{fmtDuration(x.at - start)}
                </td>
                <td className="mono">{x.rcpt}</td>
                <td className="num">{x.attempt}</td>
                <td className="mono small">{x.via}</td>
                <td className="small">
                  <Dsn dsn={x.dsn} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <NextHopTranscript lines={d.deliveryLines} start={start} />

      <h3>Queue moves</h3>
      <ol className="moves" data-testid="queue-moves">
        {d.queueEvents.map((q, k) => (
          <li key={k}>
            <span className="mono small muted" title={fmtDateTime(q.at)}>
              +{fmtDuration(q.at - start)}
            </span>{' '}
            {q.from ? <Badge tone={STATE_INFO[q.from].tone}>{q.from}</Badge> : <span className="muted">new</span>} →{' '}
            <Badge tone={STATE_INFO[q.to].tone}>{q.to}</Badge>
            {q.reason ? <span className="muted"> {q.reason}</span> : null}
          </li>
        ))}
      </ol>
    </Panel>
  );
}

function Dsn({ dsn }: { dsn: DeliveryRecord['dsn'] }): ReactNode {
  return (
    <>
      <Badge tone={ACTION_TONE[dsn.action] ?? 'neutral'}>{dsn.action}</Badge> <span className="mono">{dsn.status}</span> {dsn.reason}
      {dsn.remoteMta ? <span className="muted"> ({dsn.remoteMta})</span> : null}
    </>
  );
}
