// (e) The raw header block with names highlighted and ours marked; body, MIME tree and .eml
// export wait for an API method that serves the message source.
import type { ReactNode } from 'react';
import type { MessageDetail } from '../../../../engine/api/contract';
import { Panel } from '../../../components/ui';

export function RawHeaders({ d }: { d: MessageDetail }): ReactNode {
  const ours = d.headersAdded.length;
  return (
    <Panel id="raw" title="Raw headers" help="Top to bottom as stored (unfolded). Highlighted lines were added by this server.">
      <pre className="raw-headers" data-testid="raw-headers">
        {d.headers.map((h, k) => (
          <div key={k} className={k < ours ? 'raw-ours' : undefined}>
            <span className="hname">{h.name}:</span> {h.value}
          </div>
        ))}
      </pre>
      <div className="notice notice-info" data-testid="body-placeholder">
        <strong>Body, MIME tree and export as .eml are not available yet.</strong> The API does not serve the message source so far (it needs a method such as{' '}
        <code>messages.raw</code>). When it does, the text body, the HTML body in a sandboxed frame with remote content blocked, the MIME structure and a
        download button appear here.
        <div>
          <button type="button" disabled title="Needs messages.raw in the API">
            Export .eml
          </button>
        </div>
      </div>
    </Panel>
  );
}
