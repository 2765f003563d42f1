// Sessions: every SMTP conversation, newest first, live; search (server side) and filters.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SessionOutcome, SessionSummary } from '../../../engine/api/contract';
import { navigate } from '../../app/router';
import { useEngineStatus } from '../../app/status';
import { SearchBox } from '../../components/SearchBox';
import { Select } from '../../components/Select';
import { Badge, Empty, ErrorNotice, Loading, PageHeader, type Tone } from '../../components/ui';
import { VirtualList } from '../../components/VirtualList';
import { fmtDateTime, fmtTime } from '../../lib/format';
import { markOnce } from '../../lib/perf';
import { replyKind } from '../../lib/reply-codes';
import { sessionsStore, useSessions } from './useSessions';

export const OUTCOME_TONE: Record<SessionOutcome, Tone> = { open: 'info', accepted: 'ok', rejected: 'bad', closed: 'muted' };
const OUTCOME_HELP: Record<SessionOutcome, string> = {
  open: 'still connected',
  accepted: 'at least one message was accepted',
  rejected: 'nothing accepted; the last reply was a refusal',
  closed: 'ended without a message or a refusal (e.g. a probe)',
};
const NET_HELP: Record<string, string> = {
  local: 'local network: trusted (may relay)',
  vpn: 'VPN network: trusted per listener',
  public: 'the Internet: may only send to our own domains',
};
const COLUMNS = '112px minmax(130px,1.1fr) 64px 92px minmax(110px,1fr) 44px minmax(60px,.6fr) 40px 86px minmax(180px,1.7fr)';

export function SessionsPage(): ReactNode {
  const snap = useSessions();
  const { status } = useEngineStatus();
  const [outcome, setOutcome] = useState<SessionOutcome | ''>('');
  const [listener, setListener] = useState('');
  const [net, setNet] = useState('');

  useEffect(() => {
    if (snap.status === 'idle') void sessionsStore.load('');
  }, [snap.status]);

  const rows = useMemo(
    () => snap.rows.filter((s) => (!outcome || s.outcome === outcome) && (!listener || s.listener === listener) && (!net || s.net === net)),
    [snap.rows, outcome, listener, net],
  );
  const filtered = rows.length !== snap.rows.length;
  useEffect(() => {
    if (snap.status === 'ready') markOnce('relaylab:sessions:rendered');
  }, [snap.status]);

  return (
    <div className="page page-fill">
      <PageHeader
        title="Sessions"
        subtitle="Every SMTP conversation with this engine, newest first. New ones appear as they connect. Open one to read the conversation."
      />
      <div className="toolbar" role="search">
        <SearchBox value={snap.q} onChange={(q) => void sessionsStore.load(q)} placeholder="Search: session id, client IP or name, HELO, user" label="Search sessions" />
        <Select label="Outcome" value={outcome} onChange={(v) => setOutcome(v as SessionOutcome | '')} options={[['', 'All outcomes'], ['open', 'Open'], ['accepted', 'Accepted'], ['rejected', 'Rejected'], ['closed', 'Closed']]} />
        <Select label="Listener" value={listener} onChange={setListener} options={[['', 'All listeners'], ...(status?.listeners ?? []).map((l): [string, string] => [l.name, `${l.name} (${l.role})`])]} />
        <Select label="Network" value={net} onChange={setNet} options={[['', 'All networks'], ['local', 'local'], ['vpn', 'vpn'], ['public', 'public']]} />
        <span className="toolbar-count" aria-live="polite">
          {snap.status === 'ready' ? `${rows.length.toLocaleString()}${filtered ? ` of ${snap.rows.length.toLocaleString()} loaded` : ''} session${rows.length === 1 ? '' : 's'}${snap.hasMore ? ' · older ones load as you scroll' : ''}` : null}
        </span>
      </div>
      {snap.status === 'error' ? <ErrorNotice error={new Error(snap.error)} what="load the sessions" /> : null}
      {snap.status === 'loading' ? <Loading what="sessions" /> : null}
      {snap.status === 'ready' && rows.length === 0 && !snap.hasMore ? (
        <Empty>
          {snap.q || filtered
            ? 'No session matches these filters.'
            : 'No sessions yet. Point a mail client at one of the listeners shown on the left (for example swaks --server 127.0.0.1:PORT), or use Send.'}
        </Empty>
      ) : null}
      {snap.status === 'ready' && (rows.length > 0 || snap.hasMore) ? (
        <VirtualList<SessionSummary>
          items={rows}
          getKey={(s) => s.sid}
          rowHeight={44}
          columns={COLUMNS}
          label="Sessions, newest first. Arrow keys move, Enter opens."
          testId="sessions-list"
          initialScrollTop={sessionsStore.scrollTop}
          onScrollTop={(t) => (sessionsStore.scrollTop = t)}
          onEndReached={() => void sessionsStore.loadMore()}
          onOpen={(s) => navigate({ name: 'session', sid: s.sid })}
          rowClass={(s) => `outcome-${s.outcome}`}
          header={
            <>
              <span>Time</span>
              <span>Client</span>
              <span title="Network class of the client">Net</span>
              <span>Listener</span>
              <span title="The name the client gave in HELO/EHLO">HELO</span>
              <span>TLS</span>
              <span title="Logged-in user (SMTP AUTH)">User</span>
              <span title="Messages accepted">Msgs</span>
              <span>Outcome</span>
              <span>Last reply</span>
            </>
          }
          renderRow={(s) => <SessionRow s={s} />}
          footer={
            <div className="list-footer">
              {snap.loadingMore ? (
                'Loading older sessions…'
              ) : snap.hasMore ? (
                <button type="button" onClick={() => void sessionsStore.loadMore()}>
                  Load older sessions
                </button>
              ) : (
                'No older sessions.'
              )}
            </div>
          }
        />
      ) : null}
    </div>
  );
}

function SessionRow({ s }: { s: SessionSummary }): ReactNode {
  const code = Number(s.lastReply?.slice(0, 3));
  const kind = Number.isFinite(code) && code >= 200 ? replyKind(code) : undefined;
  return (
    <>
      <span className="mono" title={fmtDateTime(s.openedAt)}>
        {fmtTime(s.openedAt)}
      </span>
      <span className="cell-2">
        <span className="mono">{s.claimed ? s.claimed.ip : s.peer.ip}</span>
        <span className="muted small">{s.claimed ? `via XCLIENT from ${s.peer.ip}` : s.peer.name}</span>
      </span>
      <span>
        <Badge tone={s.net === 'public' ? 'warn' : 'neutral'} title={NET_HELP[s.net]}>
          {s.net}
        </Badge>
      </span>
      <span className="cell-2" title={`${s.listener} listener (${s.role})`}>
        <span>{s.listener}</span>
        {s.role !== s.listener ? <span className="muted small">{s.role}</span> : null}
      </span>
      <span className="ellipsis" title={s.helo}>
        {s.helo ?? <span className="muted">—</span>}
      </span>
      <span>{s.tls ? <Badge tone="tls" title="Encrypted with TLS">TLS</Badge> : <span className="muted" title="Not encrypted">—</span>}</span>
      <span className="ellipsis" title={s.authUser}>
        {s.authUser ?? <span className="muted">—</span>}
      </span>
      <span className="num">{s.messages}</span>
      <span>
        <Badge tone={OUTCOME_TONE[s.outcome]} title={OUTCOME_HELP[s.outcome]}>
          {s.outcome}
        </Badge>
      </span>
      <span className={`mono ellipsis lastreply-${kind ?? 'none'}`} title={s.lastReply}>
        {s.lastReply ?? ''}
      </span>
    </>
  );
}
