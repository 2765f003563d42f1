// Send: compose a test message and send it through one of the engine's listeners (optionally
// logged in, or "as if from" another IP via XCLIENT), then open the session it made.
// It calls messages.send; an engine without that method gets the equivalent swaks command instead.
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { navigate } from '../../app/router';
import { useEngineStatus } from '../../app/status';
import { Badge, PageHeader, Panel } from '../../components/ui';
import { ApiCallError, callRaw, errorText } from '../../lib/api';
import { parseHeaderLines, swaksCommand } from './compose';
import type { MessagesSendInput, MessagesSendOutput } from '../../../engine/api/contract';

interface Form {
  listener: string;
  helo: string;
  sender: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  headers: string;
  starttls: boolean;
  useAuth: boolean;
  user: string;
  password: string;
  useXclient: boolean;
  xAddr: string;
  xName: string;
  xHelo: string;
}

const INITIAL: Form = {
  listener: '',
  helo: 'compose.relaylab.test',
  sender: 'alice@example.org',
  from: '',
  to: 'bob@relaylab.test',
  subject: 'Hello from the lab',
  text: 'This is a test message.\n',
  headers: '',
  starttls: true,
  useAuth: false,
  user: '',
  password: '',
  useXclient: false,
  xAddr: '203.0.113.7',
  xName: '',
  xHelo: '',
};

const ADDR = /^[^\s@<>]+@[^\s@<>]+$/;

export function SendPage(): ReactNode {
  const { status } = useEngineStatus();
  const [f, setF] = useState<Form>(INITIAL);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'ok' | 'bad' | 'info'; node: ReactNode } | null>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // (Braces: recent Chromium's scrollIntoView returns a promise, which must not become the cleanup.)
    void outcomeRef.current?.scrollIntoView({ block: 'nearest' });
  }, [outcome]);
  const listeners = status?.listeners ?? [];
  const listener = listeners.find((l) => l.name === f.listener) ?? listeners[0];
  const set = <K extends keyof Form>(k: K, v: Form[K]): void => setF((x) => ({ ...x, [k]: v }));

  const recipients = f.to.split(/[,\s]+/).filter(Boolean);
  const parsed = useMemo(() => parseHeaderLines(f.headers), [f.headers]);
  const problems: string[] = [];
  if (f.sender !== '' && !ADDR.test(f.sender)) problems.push('The envelope sender is not an address (leave it empty for the null sender <>).');
  if (recipients.length === 0) problems.push('Give at least one recipient.');
  for (const r of recipients) if (!ADDR.test(r)) problems.push(`Recipient "${r}" is not an address.`);
  if (parsed.error) problems.push(`Extra headers, ${parsed.error}.`);
  if (f.useAuth && !f.user) problems.push('Give a user name to log in.');
  if (f.useXclient && !/^[0-9a-fA-F:.]+$/.test(f.xAddr)) problems.push('The "as if from" address must be an IP address.');

  const input: MessagesSendInput = {
    listener: listener?.name ?? '',
    helo: f.helo,
    sender: f.sender,
    recipients,
    ...(f.from ? { from: f.from } : {}),
    subject: f.subject,
    text: f.text,
    ...(parsed.headers.length ? { headers: parsed.headers } : {}),
    starttls: f.starttls,
    ...(f.useAuth ? { auth: { user: f.user, password: f.password } } : {}),
    ...(f.useXclient ? { xclient: { addr: f.xAddr, ...(f.xName ? { name: f.xName } : {}), ...(f.xHelo ? { helo: f.xHelo } : {}) } } : {}),
  };
  const swaks = listener ? swaksCommand(input, listener.address, listener.port, listener.tls) : '';

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (problems.length) return;
    setSending(true);
    setOutcome(null);
    try {
      const r = (await callRaw('messages.send', input)) as MessagesSendOutput;
      if (r.accepted) navigate({ name: 'session', sid: r.sid });
      else setOutcome({ tone: 'bad', node: <>Refused: <code>{r.reply}</code> <a href={`#/sessions/${encodeURIComponent(r.sid)}`}>Open the session</a></> });
    } catch (err) {
      if (err instanceof ApiCallError && (err.code === 'API.UNKNOWN_METHOD' || err.code === 'API.NOT_IMPLEMENTED')) {
        setOutcome({
          tone: 'info',
          node: (
            <>
              <strong>This engine cannot send from the UI yet</strong> (it has no <code>messages.send</code> method). The form is ready for it. Meanwhile, this
              command sends the same message; the session appears under Sessions as it happens:
              <pre className="code-block" data-testid="swaks">{swaks}</pre>
            </>
          ),
        });
      } else setOutcome({ tone: 'bad', node: <>Sending failed: {errorText(err)}</> });
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="page">
      <PageHeader title="Send a test message" subtitle="Compose a message and send it through one of this engine's listeners, then watch what happens to it." />
      <form className="send-form" onSubmit={(e) => void submit(e)} noValidate data-testid="send-form">
        <Panel id="send-how" title="How it connects">
          <div className="form-grid">
            <Field label="Listener" help={listener ? `${listener.role === 'mx' ? 'MX: as a server from the Internet would' : 'submission: as a user’s mail program would'}; ${listener.address}:${listener.port}, TLS ${listener.tls}` : undefined}>
              <select value={listener?.name ?? ''} onChange={(e) => set('listener', e.target.value)}>
                {listeners.map((l) => (
                  <option key={l.name} value={l.name}>
                    {l.name} ({l.role}, port {l.port})
                  </option>
                ))}
              </select>
            </Field>
            <Field label="EHLO name" help="What the client calls itself.">
              <input value={f.helo} onChange={(e) => set('helo', e.target.value)} />
            </Field>
            <Check label="Use STARTTLS when offered" checked={f.starttls} onChange={(v) => set('starttls', v)} />
            <Check label="Log in (SMTP AUTH)" checked={f.useAuth} onChange={(v) => set('useAuth', v)} />
            {f.useAuth ? (
              <>
                <Field label="User">
                  <input value={f.user} onChange={(e) => set('user', e.target.value)} autoComplete="off" />
                </Field>
                <Field label="Password" help="Users are added with: relaylab user add NAME">
                  <input type="password" value={f.password} onChange={(e) => set('password', e.target.value)} autoComplete="off" />
                </Field>
              </>
            ) : null}
            <Check label={'Pretend to come from another IP ("as if from", XCLIENT)'} checked={f.useXclient} onChange={(v) => set('useXclient', v)} />
            {f.useXclient ? (
              <>
                <Field label="Client IP" help="Policy judges the message as if this host sent it (e.g. a public IP to test relay rules).">
                  <input value={f.xAddr} onChange={(e) => set('xAddr', e.target.value)} />
                </Field>
                <Field label="Client name (optional)">
                  <input value={f.xName} onChange={(e) => set('xName', e.target.value)} placeholder="unknown" />
                </Field>
                <Field label="Client HELO (optional)">
                  <input value={f.xHelo} onChange={(e) => set('xHelo', e.target.value)} />
                </Field>
              </>
            ) : null}
          </div>
        </Panel>
        <Panel id="send-what" title="The message">
          <div className="form-grid">
            <Field label="Envelope sender (MAIL FROM)" help="Where bounces go. Empty = the null sender <>.">
              <input value={f.sender} onChange={(e) => set('sender', e.target.value)} />
            </Field>
            <Field label="From header" help="What the reader sees; defaults to the envelope sender.">
              <input value={f.from} onChange={(e) => set('from', e.target.value)} placeholder={f.sender || 'MAILER-DAEMON'} />
            </Field>
            <Field label="To (envelope recipients)" help="Comma or space separated.">
              <input value={f.to} onChange={(e) => set('to', e.target.value)} />
            </Field>
            <Field label="Subject">
              <input value={f.subject} onChange={(e) => set('subject', e.target.value)} />
            </Field>
            <Field label="Body" wide>
              <textarea rows={6} value={f.text} onChange={(e) => set('text', e.target.value)} />
            </Field>
            <Field label="Extra headers" help='One per line, "Name: value" (e.g. Reply-To: x@example.net).' wide>
              <textarea rows={3} value={f.headers} onChange={(e) => set('headers', e.target.value)} className="mono" placeholder="Reply-To: replies@example.net" />
            </Field>
          </div>
        </Panel>
        {problems.length ? (
          <ul className="problems-inline" aria-live="polite">
            {problems.map((p) => (
              <li key={p}>
                <Badge tone="warn">check</Badge> {p}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="btn-primary" disabled={sending || problems.length > 0 || !listener} data-testid="send">
            {sending ? 'Sending…' : 'Send'}
          </button>
          <span className="muted small">After sending, the session opens so you can follow the conversation.</span>
        </div>
        {outcome ? (
          <div ref={outcomeRef} className={`notice notice-${outcome.tone}`} role="status" data-testid="send-outcome">
            {outcome.node}
          </div>
        ) : null}
      </form>
    </div>
  );
}

function Field({ label, help, children, wide }: { label: string; help?: string; children: ReactNode; wide?: boolean }): ReactNode {
  return (
    <label className={`field${wide ? ' field-wide' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
      {help ? <span className="field-help">{help}</span> : null}
    </label>
  );
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }): ReactNode {
  return (
    <label className="field field-check field-wide">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}
