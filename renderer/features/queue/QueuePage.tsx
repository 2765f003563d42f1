// Queue: messages by state with next attempt and last error; flush, hold, release and delete,
// each confirmed. Refreshed by queue and delivery events (no polling).
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { QueueItem } from '../../../engine/api/contract';
import type { QueueState } from '../../lib/types';
import { href } from '../../app/router';
import { statusStore, useEngineStatus } from '../../app/status';
import { useConfirm } from '../../components/ConfirmDialog';
import { Badge, Empty, ErrorNotice, Loading, PageHeader } from '../../components/ui';
import { api, errorText } from '../../lib/api';
import { useTraceEvents } from '../../lib/events';
import { fmtBytes, fmtDateTime, fmtEnvelope, fmtRelative } from '../../lib/format';
import { debounce } from '../../lib/store';
import { useNow } from '../../lib/use-now';
import { QUEUE_STATE_ORDER, STATE_INFO } from '../messages/states';

type Action = 'flush' | 'hold' | 'release' | 'delete';

const ACTIONS: Record<Action, { label: string; when: QueueState[]; confirm: (id: string) => { title: string; body: string; danger?: boolean } }> = {
  flush: {
    label: 'Retry now',
    when: ['deferred'],
    confirm: (id) => ({ title: `Retry ${id} now?`, body: 'The message goes back to incoming and is delivered at once instead of waiting for its next attempt (postqueue -i).' }),
  },
  hold: {
    label: 'Hold',
    when: ['incoming', 'active', 'deferred'],
    confirm: (id) => ({ title: `Hold ${id}?`, body: 'The message stays in the queue but is not delivered until you release it (postsuper -h).' }),
  },
  release: {
    label: 'Release',
    when: ['hold'],
    confirm: (id) => ({ title: `Release ${id}?`, body: 'The message goes back to incoming and delivery starts again (postsuper -H).' }),
  },
  delete: {
    label: 'Delete',
    when: ['incoming', 'deferred', 'hold', 'corrupt', 'sent', 'bounced'],
    confirm: (id) => ({ title: `Delete ${id}?`, body: 'The message and its stored copy are removed for good; nobody is told (postsuper -d). Its trace stays.', danger: true }),
  },
};

export function QueuePage({ state }: { state?: QueueState }): ReactNode {
  const { status } = useEngineStatus();
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, ask] = useConfirm();
  const now = useNow(1000);

  const load = useCallback(() => {
    api['queue.list']({ limit: 1000, ...(state ? { state } : {}) }).then(
      (r) => {
        setItems(r);
        setError(null);
      },
      (e: unknown) => setError(e),
    );
  }, [state]);
  useEffect(() => {
    setItems(null);
    load();
  }, [load]);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [again] = useState(() => debounce(() => loadRef.current(), 250, 1000));
  useEffect(() => () => again.cancel(), [again]);
  useTraceEvents((e) => {
    if (e.t === 'queue' || e.t === 'delivery') again();
  });

  const run = async (action: Action, it: QueueItem): Promise<void> => {
    const c = ACTIONS[action].confirm(it.id);
    if (!(await ask({ ...c, confirmLabel: ACTIONS[action].label }))) return;
    setBusy(it.id);
    try {
      if (action === 'flush') await api['queue.flush']({ id: it.id });
      else if (action === 'hold') await api['queue.hold']({ id: it.id });
      else if (action === 'release') await api['queue.release']({ id: it.id });
      else await api['queue.delete']({ id: it.id });
      setNote({ tone: 'ok', text: `${ACTIONS[action].label}: done for ${it.id}.` });
    } catch (e) {
      setNote({ tone: 'bad', text: `${ACTIONS[action].label} ${it.id} failed: ${errorText(e)}` });
    } finally {
      setBusy(null);
      load();
      void statusStore.refresh();
    }
  };

  const flushAll = async (): Promise<void> => {
    if (!(await ask({ title: 'Retry every deferred message now?', body: 'All deferred messages become due at once (postqueue -f).', confirmLabel: 'Retry all' }))) return;
    try {
      const r = await api['queue.flush']({});
      setNote({ tone: 'ok', text: `${r.count} deferred message${r.count === 1 ? '' : 's'} scheduled for delivery now.` });
    } catch (e) {
      setNote({ tone: 'bad', text: `Retry all failed: ${errorText(e)}` });
    }
    load();
  };

  const counts = status?.queue;
  const inQueue = counts ? counts.incoming + counts.active + counts.deferred + counts.hold + counts.corrupt : undefined;
  return (
    <div className="page">
      <PageHeader title="Queue" subtitle="Accepted messages waiting for delivery, and what happened to the others. Every action asks first.">
        <button type="button" onClick={() => void flushAll()} disabled={!counts?.deferred}>
          Retry all deferred{counts?.deferred ? ` (${counts.deferred})` : ''}
        </button>
      </PageHeader>
      <nav className="tabs" aria-label="Queue states">
        <a href={href({ name: 'queue' })} className={!state ? 'current' : undefined} aria-current={!state ? 'page' : undefined}>
          In the queue {inQueue !== undefined ? <span className="tab-count">{inQueue}</span> : null}
        </a>
        {QUEUE_STATE_ORDER.map((s) => (
          <a key={s} href={href({ name: 'queue', state: s })} className={state === s ? 'current' : undefined} aria-current={state === s ? 'page' : undefined} title={STATE_INFO[s].text}>
            {s} {counts ? <span className="tab-count">{counts[s]}</span> : null}
          </a>
        ))}
      </nav>
      <p className="panel-help">{state ? `${state}: ${STATE_INFO[state].text}.` : 'Every message not yet delivered or bounced: incoming, active, deferred, hold and corrupt.'}</p>
      {note ? (
        <div className={`notice notice-${note.tone}`} role="status" data-testid="queue-note">
          {note.text}{' '}
          <button type="button" className="link-button" onClick={() => setNote(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} what="load the queue" /> : null}
      {!items && !error ? <Loading what="the queue" /> : null}
      {items && items.length === 0 ? <Empty>{state ? `No message is ${state}.` : 'The queue is empty: everything accepted has been delivered or bounced.'}</Empty> : null}
      {items && items.length > 0 ? (
        <table className="table queue-table" data-testid="queue-table">
          <thead>
            <tr>
              <th>Queue id</th>
              <th>State</th>
              <th>Envelope sender</th>
              <th title="Recipients still to do / all">Recipients</th>
              <th className="num">Size</th>
              <th>Arrived</th>
              <th>Next attempt</th>
              <th className="num">Attempts</th>
              <th>Last error</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((it) => (
              <tr key={it.id} data-testid="queue-row" data-id={it.id} data-state={it.state}>
                <td>
                  <a className="mono" href={href({ name: 'message', id: it.id })}>
                    {it.id}
                  </a>
                </td>
                <td>
                  <Badge tone={STATE_INFO[it.state].tone} title={STATE_INFO[it.state].text}>
                    {it.state}
                  </Badge>
                </td>
                <td className="mono ellipsis-cell" title={fmtEnvelope(it.sender)}>
                  {fmtEnvelope(it.sender)}
                </td>
                <td className="num">
                  {it.pending} / {it.recipients}
                </td>
                <td className="num">{fmtBytes(it.size)}</td>
                <td title={fmtDateTime(it.arrivedAt)}>{fmtRelative(it.arrivedAt, now)}</td>
                <td title={it.nextAttemptAt ? fmtDateTime(it.nextAttemptAt) : undefined}>
                  {it.nextAttemptAt ? fmtRelative(it.nextAttemptAt, now) : <span className="muted">—</span>}
                </td>
                <td className="num">{it.attempts}</td>
                <td className="small error-cell" title={it.lastError}>
                  {it.lastError ?? <span className="muted">—</span>}
                </td>
                <td className="actions">
                  <div className="actions-row">
                  {(Object.keys(ACTIONS) as Action[])
                    .filter((a) => ACTIONS[a].when.includes(it.state))
                    .map((a) => (
                      <button key={a} type="button" className={a === 'delete' ? 'btn-small btn-danger-quiet' : 'btn-small'} disabled={busy === it.id} onClick={() => void run(a, it)}>
                        {ACTIONS[a].label}
                      </button>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {dialog}
    </div>
  );
}
