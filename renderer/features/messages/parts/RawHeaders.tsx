// (e) The message source: the stored header block (ours marked), the raw source with its header
// block highlighted, the MIME tree, the text and HTML bodies (HTML in a sandboxed frame with
// remote content blocked) and export as .eml. The source comes from messages.raw.
import { useState, type ReactNode } from 'react';
import type { MessageDetail } from '../../../../engine/api/contract';
import { ErrorNotice, Loading, Panel } from '../../../components/ui';
import { ApiCallError } from '../../../lib/api';
import { downloadBytes } from '../../../lib/download';
import { useMessageRaw, type RawState } from '../useMessageRaw';
import { BodyHtml, BodyText, MimeTree, RawSource } from './SourceViews';

const TABS = [
  ['headers', 'Headers'],
  ['source', 'Raw source'],
  ['mime', 'MIME tree'],
  ['text', 'Text body'],
  ['html', 'HTML body'],
] as const;
type Tab = (typeof TABS)[number][0];

export function RawHeaders({ d }: { d: MessageDetail }): ReactNode {
  const [tab, setTab] = useState<Tab>('headers');
  const raw = useMessageRaw(d.summary.id);
  const exportButton = (
    <button
      type="button"
      data-testid="export-eml"
      disabled={!raw.bytes}
      title={raw.bytes ? `Download the source as ${d.summary.id}.eml` : 'The source is not available'}
      onClick={() => raw.bytes && downloadBytes(raw.bytes, `${d.summary.id}.eml`, 'message/rfc822')}
    >
      Export .eml
    </button>
  );
  return (
    <Panel id="raw" title="Source" help="The message as stored: headers, MIME structure and bodies. Highlighted header lines were added by this server." actions={exportButton}>
      <div className="tabs" role="tablist" aria-label="Views of the source">
        {TABS.map(([k, label]) => (
          <a
            key={k}
            href={`#/messages/${encodeURIComponent(d.summary.id)}`}
            role="tab"
            data-testid={`source-tab-${k}`}
            aria-selected={tab === k}
            className={tab === k ? 'current' : undefined}
            onClick={(e) => {
              e.preventDefault();
              setTab(k);
            }}
          >
            {label}
          </a>
        ))}
      </div>
      <div role="tabpanel" data-testid={`source-panel-${tab}`}>
        {tab === 'headers' ? <StoredHeaders d={d} /> : <NeedsSource raw={raw}>{(bytes, tree) => view(tab, d, bytes, tree)}</NeedsSource>}
      </div>
    </Panel>
  );
}

function view(tab: Exclude<Tab, 'headers'>, d: MessageDetail, bytes: Uint8Array, tree: NonNullable<RawState['tree']>): ReactNode {
  if (tab === 'source') return <RawSource bytes={bytes} headersAdded={d.headersAdded} />;
  if (tab === 'mime') return <MimeTree root={tree} />;
  if (tab === 'text') return <BodyText root={tree} />;
  return <BodyHtml root={tree} />;
}

function NeedsSource({ raw, children }: { raw: RawState; children: (bytes: Uint8Array, tree: NonNullable<RawState['tree']>) => ReactNode }): ReactNode {
  if (raw.loading) return <Loading what="the message source" />;
  if (raw.error instanceof ApiCallError && raw.error.code === 'MESSAGE.NO_SOURCE') {
    return (
      <div className="notice notice-info" data-testid="source-unavailable">
        {raw.error.message}
      </div>
    );
  }
  if (!raw.bytes || !raw.tree) return <ErrorNotice error={raw.error} what="load the message source" />;
  return children(raw.bytes, raw.tree);
}

function StoredHeaders({ d }: { d: MessageDetail }): ReactNode {
  const ours = d.headersAdded.length;
  return (
    <pre className="raw-headers" data-testid="raw-headers">
      {d.headers.map((h, k) => (
        <div key={k} className={k < ours ? 'raw-ours' : undefined}>
          <span className="hname">{h.name}:</span> {h.value}
        </div>
      ))}
    </pre>
  );
}
