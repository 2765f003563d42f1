// Messages: everything accepted (and the bounces the engine made), newest first, live.
import { useEffect, type ReactNode } from 'react';
import type { MessageSummary } from '../../../engine/api/contract';
import type { QueueState } from '../../lib/types';
import { navigate } from '../../app/router';
import { SearchBox } from '../../components/SearchBox';
import { Select } from '../../components/Select';
import { Badge, Empty, ErrorNotice, Loading, PageHeader } from '../../components/ui';
import { VirtualList } from '../../components/VirtualList';
import { decodeMimeWords } from '../../lib/addresses';
import { fmtBytes, fmtDateTime, fmtTime } from '../../lib/format';
import { markOnce } from '../../lib/perf';
import { QUEUE_STATE_ORDER, STATE_INFO } from './states';
import { messagesStore, useMessages } from './useMessages';

const COLUMNS = '118px 132px 92px minmax(150px,1.2fr) minmax(150px,1.2fr) minmax(160px,1.6fr) 72px';

export function MessagesPage(): ReactNode {
  const snap = useMessages();
  useEffect(() => {
    if (snap.status === 'idle') void messagesStore.load({ q: '', state: '' });
  }, [snap.status]);
  useEffect(() => {
    if (snap.status === 'ready') markOnce('relaylab:messages:rendered');
  }, [snap.status]);
  const f = snap.filter;

  return (
    <div className="page page-fill">
      <PageHeader title="Messages" subtitle="Every message this engine accepted, and the bounces it wrote itself. Open one to see who sent it, the path it took and where it went." />
      <div className="toolbar" role="search">
        <SearchBox value={f.q} onChange={(q) => void messagesStore.load({ ...f, q })} placeholder="Search: queue id, sender, recipient, subject, From" label="Search messages" />
        <Select
          label="State"
          value={f.state}
          onChange={(v) => void messagesStore.load({ ...f, state: v as QueueState | '' })}
          options={[['', 'All states'], ...QUEUE_STATE_ORDER.map((s): [string, string] => [s, s])]}
        />
        <span className="toolbar-count" aria-live="polite">
          {snap.status === 'ready' ? `${snap.rows.length.toLocaleString()} message${snap.rows.length === 1 ? '' : 's'}${snap.hasMore ? ' · older ones load as you scroll' : ''}` : null}
        </span>
      </div>
      {snap.status === 'error' ? <ErrorNotice error={new Error(snap.error)} what="load the messages" /> : null}
      {snap.status === 'loading' ? <Loading what="messages" /> : null}
      {snap.status === 'ready' && snap.rows.length === 0 ? (
        <Empty>{f.q || f.state ? 'No message matches these filters.' : 'No messages yet. Accepted mail shows up here as it arrives.'}</Empty>
      ) : null}
      {snap.status === 'ready' && snap.rows.length > 0 ? (
        <VirtualList<MessageSummary>
          items={snap.rows}
          getKey={(m) => m.id}
          rowHeight={44}
          columns={COLUMNS}
          label="Messages, newest first. Arrow keys move, Enter opens."
          testId="messages-list"
          initialScrollTop={messagesStore.scrollTop}
          onScrollTop={(t) => (messagesStore.scrollTop = t)}
          onEndReached={() => void messagesStore.loadMore()}
          onOpen={(m) => navigate({ name: 'message', id: m.id })}
          header={
            <>
              <span>Arrived</span>
              <span>Queue id</span>
              <span>State</span>
              <span title="The From header, and the envelope sender below it">From / envelope sender</span>
              <span>Recipients</span>
              <span>Subject</span>
              <span className="num">Size</span>
            </>
          }
          renderRow={(m) => <MessageRow m={m} />}
          footer={
            <div className="list-footer">
              {snap.loadingMore ? (
                'Loading older messages…'
              ) : snap.hasMore ? (
                <button type="button" onClick={() => void messagesStore.loadMore()}>
                  Load older messages
                </button>
              ) : (
                'No older messages.'
              )}
            </div>
          }
        />
      ) : null}
    </div>
  );
}

function MessageRow({ m }: { m: MessageSummary }): ReactNode {
  const from = m.from ? decodeMimeWords(m.from) : undefined;
  return (
    <>
      <span className="mono" title={fmtDateTime(m.arrivedAt)}>
        {fmtTime(m.arrivedAt)}
      </span>
      <span className="mono">{m.id}</span>
      <span>
        <Badge tone={STATE_INFO[m.state].tone} title={STATE_INFO[m.state].text}>
          {m.state}
        </Badge>
      </span>
      <span className="cell-2">
        <span className="ellipsis" title={from}>
          {from ?? <span className="muted">no From header</span>}
        </span>
        <span className="muted small ellipsis mono" title="Envelope sender (MAIL FROM)">
          {m.sender === '' ? '<> null sender' : m.sender}
        </span>
      </span>
      <span className="ellipsis" title={m.recipients.join(', ')}>
        {m.recipients[0] ?? ''}
        {m.recipients.length > 1 ? <span className="muted"> +{m.recipients.length - 1}</span> : null}
      </span>
      <span className="ellipsis" title={m.subject}>
        {m.subject ?? <span className="muted">(no subject)</span>}
      </span>
      <span className="num muted">{fmtBytes(m.size)}</span>
    </>
  );
}
