// Our SMTP conversations with next hops while delivering one message. Here this engine is the
// client (left) and the next hop answers (right); each line says what it means, as in a session
// transcript. Consecutive lines with one hop form one conversation.
import type { ReactNode } from 'react';
import type { DeliveryLine } from '../../../../engine/api/contract';
import { CommandBubble, WireLines } from '../../../components/wire';
import { fmtDateTime, fmtDuration } from '../../../lib/format';
import { explainCommand, explainReply, parseReplyLine } from '../../../lib/reply-codes';

/** A command we sent, or a whole reply (a multi-line one's "250-" lines with its last line). */
type Row = { dir: 'C'; at: number; line: string } | { dir: 'S'; at: number; lines: string[] };
interface Conversation { via: string; rows: Row[] }

function conversations(lines: DeliveryLine[]): Conversation[] {
  const out: Conversation[] = [];
  for (const l of lines) {
    let c = out[out.length - 1];
    if (!c || c.via !== l.via) { c = { via: l.via, rows: [] }; out.push(c); }
    const prev = c.rows[c.rows.length - 1];
    if (l.dir === 'C') c.rows.push({ dir: 'C', at: l.at, line: l.line });
    else if (prev?.dir === 'S' && /^\d{3}-/.test(prev.lines[prev.lines.length - 1] ?? '')) prev.lines.push(l.line);
    else c.rows.push({ dir: 'S', at: l.at, lines: [l.line] });
  }
  return out;
}

export function NextHopTranscript({ lines, start }: { lines: DeliveryLine[]; start: number }): ReactNode {
  if (lines.length === 0) return null;
  return (
    <details className="next-hop" data-testid="next-hop-transcript">
      <summary>
        Conversation with the next hop ({lines.length} line{lines.length === 1 ? '' : 's'}): this engine as the client
      </summary>
      {conversations(lines).map((c, k) => (
        <div key={k} className="transcript" role="list" aria-label={`SMTP conversation with ${c.via}`}>
          <div className="transcript-legend" aria-hidden="true">
            <span />
            <span>This engine says</span>
            <span className="mono">{c.via} answers</span>
          </div>
          {c.rows.map((r, i) => (
            <Line key={i} r={r} start={start} />
          ))}
        </div>
      ))}
    </details>
  );
}

function Line({ r, start }: { r: Row; start: number }): ReactNode {
  const gap = (
    <span className="gap" title={fmtDateTime(r.at)}>
      +{fmtDuration(r.at - start)}
    </span>
  );
  if (r.dir === 'C') {
    return (
      <div className="t-row t-client" role="listitem">
        {gap}
        <CommandBubble line={r.line} explain={explainCommand(r.line)} />
        <span />
      </div>
    );
  }
  const p = parseReplyLine(r.lines[r.lines.length - 1] ?? '');
  const m = p ? explainReply(p.code, p.enhanced, p.text) : undefined;
  return (
    <div className={`t-row t-server${m ? ` reply-${m.kind}` : ''}`} role="listitem">
      {gap}
      <span />
      <div className="bubble bubble-server">
        <WireLines lines={r.lines} />
        {m ? (
          <div className={`meaning meaning-${m.kind}`}>
            <span className={`kind kind-${m.kind}`}>{m.title}</span>
            <span>{m.code}</span>
          </div>
        ) : null}
      </div>
    </div>
  );
}
