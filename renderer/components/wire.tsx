// SMTP lines as the transcripts show them (a session's, and ours with a next hop): a command in
// the client's bubble with what it asks for, and a reply's wire lines.
import type { ReactNode } from 'react';

export function CommandBubble({ line, explain }: { line: string; explain?: string | undefined }): ReactNode {
  return (
    <div className="bubble bubble-client">
      <code className="wire">{line}</code>
      {explain ? <div className="explain">{explain}</div> : null}
    </div>
  );
}

/** A reply's lines; `note` may add a short explanation beside one (e.g. an EHLO capability). */
export function WireLines({ lines, note }: { lines: readonly string[]; note?: (line: string, index: number) => string | undefined }): ReactNode {
  return (
    <div className="wire-lines">
      {lines.map((line, i) => {
        const n = note?.(line, i);
        return (
          <div key={i} className="wire-line">
            <code className="wire">{line}</code>
            {n ? <span className="cap-explain">{n}</span> : null}
          </div>
        );
      })}
    </div>
  );
}
