// (a) The four sender identities side by side, and envelope vs header recipients.
import type { ReactNode } from 'react';
import type { MessageDetail } from '../../../../engine/api/contract';
import { Badge, Panel } from '../../../components/ui';
import { compareRecipients, senderIdentities, type Identity } from '../../../lib/identities';

export function Identities({ d }: { d: MessageDetail }): ReactNode {
  const { identities, findings } = senderIdentities(d.envelope.sender, d.headers);
  const warned = new Set(findings.filter((f) => f.level === 'warn').flatMap((f) => f.about));
  const recipients = compareRecipients(d.envelope.recipients, d.headers);
  return (
    <Panel
      id="identities"
      title="Who sent it: four identities"
      help="A message names its sender in four places. They are set independently, so they can disagree; that is sometimes normal (mailing lists, newsletters) and sometimes forgery."
    >
      <div className="identities" data-testid="identities">
        {identities.map((i) => (
          <IdentityCard key={i.key} i={i} warned={warned.has(i.key)} />
        ))}
      </div>
      {findings.length ? (
        <ul className="findings" data-testid="identity-findings">
          {findings.map((f, k) => (
            <li key={k} className={`finding finding-${f.level}`}>
              <span className="finding-icon" aria-hidden="true">
                {f.level === 'warn' ? '⚠' : 'ℹ'}
              </span>
              <span className="sr-only">{f.level === 'warn' ? 'Warning:' : 'Note:'}</span>
              {f.text}
            </li>
          ))}
        </ul>
      ) : (
        <p className="finding finding-ok">✔ The identities agree.</p>
      )}
      <h3>Recipients: envelope and headers</h3>
      <p className="panel-help">
        The envelope recipients (RCPT TO) decide where the message goes; the To and Cc headers are only what the reader sees.
      </p>
      <table className="table" data-testid="recipients">
        <thead>
          <tr>
            <th>Address</th>
            <th>Envelope (RCPT TO)</th>
            <th>Headers</th>
            <th>What it means</th>
          </tr>
        </thead>
        <tbody>
          {recipients.map((r) => (
            <tr key={`${r.address}-${r.envelope}`}>
              <td className="mono">{r.address}</td>
              <td>{r.envelope ? <Badge tone="ok">yes</Badge> : <Badge tone="muted">no</Badge>}</td>
              <td>{r.fields.length ? r.fields.join(', ') : <span className="muted">not named</span>}</td>
              <td>{r.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

function IdentityCard({ i, warned }: { i: Identity; warned: boolean }): ReactNode {
  return (
    <div className={`identity${warned ? ' identity-warn' : ''}${i.raw === undefined ? ' identity-absent' : ''}`} data-testid={`identity-${i.key}`}>
      <div className="identity-label">
        {i.label}
        <span className="identity-where">{i.where}</span>
      </div>
      <div className="identity-value">
        {i.raw === undefined ? (
          <span className="muted">not present</span>
        ) : i.mailboxes.length ? (
          i.mailboxes.map((b, k) => (
            <div key={k}>
              {b.name ? <div className="identity-name">{b.name}</div> : null}
              <div className="mono">{b.address || i.raw}</div>
            </div>
          ))
        ) : (
          <div className="mono">{i.raw}</div>
        )}
      </div>
      <p className="identity-explain">{i.explain}</p>
      <p className="identity-used">{i.usedBy}</p>
    </div>
  );
}
