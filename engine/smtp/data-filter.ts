// The DATA stream filter, between smtp-server's (dot-unstuffed) stream and the spool file.
// It streams: nothing is held but the header block (capped).
// - Bare LF / bare CR anywhere → counted; the message is refused at end of data
//   (smtpd_forbid_bare_newline = reject, MTA-SEMANTICS §8.1): we never pass on a smuggling shape.
// - Size: past `maxBytes` nothing more is written; the message is refused (552 5.3.4).
// - Header block: Return-Path is removed (it is added at final delivery), Received headers are
//   counted (hopcount_limit), Subject/From/Content-Type are captured for the queue and the trace.
import { Transform, type TransformCallback } from 'node:stream';
import { noteStreamedBytes } from '../util/memory';
import { isForgedAuthResults } from '../auth/headers';

const CR = 13;
const LF = 10;
const MAX_HEADER_BLOCK = 1024 * 1024;

export interface DataFacts {
  bytes: number;
  bareLf: number;
  bareCr: number;
  tooBig: boolean;
  received: number;
  subject?: string;
  from?: string;
  contentType?: string;
  /** The header block as kept (Return-Path removed), at most 256 KiB, for the trace and the API. */
  headerBlock: string;
  /** Authentication-Results headers that claimed our host name and were removed (RFC 8601 §5). */
  forgedAuthResults: number;
}

export class DataFilter extends Transform {
  readonly facts: DataFacts = { bytes: 0, bareLf: 0, bareCr: 0, tooBig: false, received: 0, headerBlock: '', forgedAuthResults: 0 };
  private prev = -1;
  private inHeaders = true;
  private headerBuf: Buffer[] = [];
  private headerLen = 0;

  constructor(private readonly maxBytes: number, private readonly hostname = '') { super(); }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.scanLineEnds(chunk);
    this.facts.bytes += chunk.length;
    noteStreamedBytes(chunk.length);
    if (this.facts.bytes > this.maxBytes) this.facts.tooBig = true;
    if (this.facts.tooBig) return cb(); // keep reading (the client must reach end of data), write nothing
    if (!this.inHeaders) return cb(null, chunk);
    this.headerBuf.push(chunk);
    this.headerLen += chunk.length;
    const all = Buffer.concat(this.headerBuf);
    const end = headerEnd(all);
    if (end >= 0 || this.headerLen > MAX_HEADER_BLOCK) {
      const cut = end >= 0 ? end : all.length;
      this.inHeaders = false;
      this.headerBuf = [];
      this.push(this.processHeaders(all.subarray(0, cut)));
      return cb(null, all.subarray(cut));
    }
    this.headerBuf = [all];
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.prev === CR) this.facts.bareCr++; // the data ended in a lone CR
    if (this.inHeaders && !this.facts.tooBig) {
      const all = Buffer.concat(this.headerBuf);
      this.push(this.processHeaders(all));
    }
    cb();
  }

  /** Count LFs not preceded by CR and CRs not followed by LF, across chunk boundaries. */
  private scanLineEnds(b: Buffer): void {
    if (b.length === 0) return;
    if (this.prev === CR && b[0] !== LF) this.facts.bareCr++; // a CR that ended the last chunk
    let i = 0;
    for (;;) {
      const lf = b.indexOf(LF, i);
      const cr = b.indexOf(CR, i);
      if (lf < 0 && cr < 0) break;
      const j = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (b[j] === LF) {
        const before = j === 0 ? this.prev : b[j - 1];
        if (before !== CR) this.facts.bareLf++;
      } else if (j + 1 < b.length && b[j + 1] !== LF) {
        this.facts.bareCr++;
      }
      i = j + 1;
    }
    this.prev = b[b.length - 1] as number;
  }

  /** Filter the header block (including its final empty line when present). */
  private processHeaders(block: Buffer): Buffer {
    const text = block.toString('latin1');
    const fields = splitFields(text);
    const kept: string[] = [];
    for (const f of fields) {
      const name = /^([^:\s]+)\s*:/.exec(f)?.[1]?.toLowerCase();
      if (name === 'return-path') continue;
      if (name === 'authentication-results' && this.hostname && isForgedAuthResults(f, this.hostname)) { this.facts.forgedAuthResults++; continue; }
      if (name === 'received') this.facts.received++;
      if (name === 'subject' && this.facts.subject === undefined) this.facts.subject = unfold(f);
      if (name === 'from' && this.facts.from === undefined) this.facts.from = unfold(f);
      if (name === 'content-type' && this.facts.contentType === undefined) this.facts.contentType = unfold(f);
      kept.push(f);
    }
    const out = kept.join('');
    this.facts.headerBlock = out.slice(0, 256 * 1024);
    return Buffer.from(out, 'latin1');
  }
}

/** Index just past the CRLF CRLF that ends the header block (-1 if not seen yet). */
function headerEnd(b: Buffer): number {
  if (b.length >= 2 && b[0] === CR && b[1] === LF) return 2; // no headers at all
  const i = b.indexOf('\r\n\r\n');
  return i < 0 ? -1 : i + 4;
}

/** Split a header block into fields, each with its continuation lines and line ends. */
function splitFields(text: string): string[] {
  const out: string[] = [];
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) out[out.length - 1] += line;
    else out.push(line);
  }
  return out;
}

function unfold(field: string): string {
  const v = field.slice(field.indexOf(':') + 1).replace(/\r?\n[ \t]/g, ' ').trim();
  return Buffer.from(v, 'latin1').toString('utf8').slice(0, 500);
}
