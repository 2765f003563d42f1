// The views of a message source behind the Source panel's tabs: raw source with its header
// block highlighted, the MIME tree, the text body and the HTML body (sandboxed, remote blocked).
import type { ReactNode } from 'react';
import { Badge } from '../../../components/ui';
import { fmtBytes } from '../../../lib/format';
import { bytesToBinary, decodeBody, findBody, flattenParts, parseHeaders, partText, splitHeaderBody, type MimePart } from '../../../lib/mime';
import { countRemoteRefs, mailSrcdoc } from '../../../lib/safe-html';

/** More than this much body text is cut in the raw view (the .eml export has it all). */
const SHOW_BODY = 256 * 1024;

const utf8 = (s: string): string => new TextDecoder('utf-8').decode(Uint8Array.from(s, (c) => c.charCodeAt(0)));

export function RawSource({ bytes, headersAdded }: { bytes: Uint8Array; headersAdded: string[] }): ReactNode {
  const { head, body } = splitHeaderBody(bytesToBinary(bytes));
  const fields = parseHeaders(head);
  const isOurs = (k: number): boolean => k < headersAdded.length && fields[k]!.name.toLowerCase() === headersAdded[k]!.toLowerCase();
  const cut = body.length > SHOW_BODY;
  return (
    <>
      <p className="panel-help">
        {fmtBytes(bytes.length)} as stored. Header names are in colour; <span className="raw-ours">highlighted fields</span> were added by this server.
      </p>
      <pre className="raw-headers raw-source" data-testid="raw-source">
        {fields.map((f, k) => {
          const colon = f.raw.indexOf(':');
          return (
            <div key={k} className={isOurs(k) ? 'raw-ours' : undefined} data-ours={isOurs(k) ? 'yes' : undefined}>
              <span className="hname">{utf8(f.raw.slice(0, colon))}:</span>
              <span className="hvalue">{utf8(f.raw.slice(colon + 1))}</span>
            </div>
          );
        })}
        <div className="muted">{'\n'}</div>
        <div data-testid="raw-body">{utf8(cut ? body.slice(0, SHOW_BODY) : body)}</div>
        {cut ? <div className="muted">… {fmtBytes(body.length - SHOW_BODY)} more; export the .eml to see it all.</div> : null}
      </pre>
    </>
  );
}

export function MimeTree({ root }: { root: MimePart }): ReactNode {
  return (
    <table className="table" data-testid="mime-tree">
      <thead>
        <tr>
          <th>Part</th>
          <th>Content type</th>
          <th>Charset</th>
          <th>Transfer encoding</th>
          <th>Size (decoded)</th>
          <th>Notes</th>
        </tr>
      </thead>
      <tbody>
        {flattenParts(root).map(({ part: p, depth }) => (
          <tr key={p.path || 'root'} data-testid="mime-part">
            <td className="mono">{p.path || 'message'}</td>
            <td className="mono" style={{ paddingLeft: 8 + depth * 18 }}>
              {depth ? '└ ' : ''}
              {p.contentType}
              {p.params['boundary'] ? <div className="muted">boundary {p.params['boundary']}</div> : null}
            </td>
            <td>{p.charset ?? <span className="muted">–</span>}</td>
            <td>{p.encoding}</td>
            <td>{p.children.length ? <span className="muted">{p.children.length} part{p.children.length === 1 ? '' : 's'}</span> : fmtBytes(decodeBody(p).length)}</td>
            <td>
              {p.disposition ? <Badge tone="muted">{p.disposition}</Badge> : null} {p.filename ? <span className="mono">{p.filename}</span> : null}
              {p.problems.map((x, k) => (
                <div key={k} className="finding finding-warn">
                  ⚠ {x}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BodyText({ root }: { root: MimePart }): ReactNode {
  const part = findBody(root, 'text/plain');
  if (!part) return <p className="muted" data-testid="text-body-none">This message has no text/plain body.</p>;
  const { text, note } = partText(part);
  return (
    <>
      <p className="panel-help">
        Part {part.path || 'message'}: {part.charset}, {part.encoding}
        {note ? ` (${note})` : ''}.
      </p>
      <pre className="raw-headers" data-testid="text-body">
        {text}
      </pre>
    </>
  );
}

export function BodyHtml({ root }: { root: MimePart }): ReactNode {
  const part = findBody(root, 'text/html');
  if (!part) return <p className="muted" data-testid="html-body-none">This message has no text/html body.</p>;
  const { text, note } = partText(part);
  const remote = countRemoteRefs(text);
  return (
    <>
      <div className="notice notice-info" data-testid="remote-blocked">
        <strong>Remote content blocked.</strong> {remote ? `${remote} remote reference${remote === 1 ? '' : 's'} (images, styles, fonts) not loaded. ` : ''}
        Shown in a sandboxed frame: no scripts, forms, pop-ups or network requests; the app's own content policy also applies inside it, so the mail's styles and embedded images are not shown either. Part {part.path || 'message'}: {part.charset}, {part.encoding}
        {note ? ` (${note})` : ''}.
      </div>
      <iframe
        title="HTML body (sandboxed, remote content blocked)"
        data-testid="html-body"
        sandbox=""
        referrerPolicy="no-referrer"
        srcDoc={mailSrcdoc(text)}
        style={{ width: '100%', height: 420, border: '1px solid var(--border)', borderRadius: 6, background: '#fff', resize: 'vertical' }}
      />
    </>
  );
}
