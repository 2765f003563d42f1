// Streams a message (Buffer or Readable) into a Writable (mailauth's verifier or signer), with
// backpressure. Only the header block is ever held by mailauth; the body streams through its
// hashers. A header block larger than `maxHeaderBytes` stops the feed with HeaderBlockTooLarge,
// so a message made of one endless header cannot grow memory without bound.
import { Readable, type Writable } from 'node:stream';

export const DEFAULT_MAX_HEADER_BYTES = 1024 * 1024;

export class HeaderBlockTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`header block larger than ${limit} bytes`);
    this.name = 'HeaderBlockTooLarge';
  }
}

/** Finds the end of the header block (LF LF or LF CR LF, as mailauth's parser does) across chunks. */
class HeaderEndScanner {
  private last: number[] = [];
  bytes = 0;
  done = false;

  /** Feed a chunk; returns how many of its bytes belong to the header block. */
  scan(chunk: Buffer): number {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      this.last.push(c);
      if (this.last.length > 3) this.last.shift();
      const [a, b, d] = this.last.length === 3 ? this.last : [-1, ...this.last.slice(-2)];
      if (d === 10 && (b === 10 || (b === 13 && a === 10))) {
        this.done = true;
        this.bytes += i + 1;
        return i + 1;
      }
    }
    this.bytes += chunk.length;
    return chunk.length;
  }
}

/** Resolves on the first of `events` (listeners removed after, so waits do not pile up). */
function settle(sink: Writable, ok: string[], fail: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    if (sink.destroyed) return reject(sink.errored ?? new Error('sink closed'));
    const off = () => { for (const ev of [...ok, ...fail]) sink.off(ev, handlers[ev] as () => void); };
    const handlers: Record<string, (e?: unknown) => void> = {};
    for (const ev of ok) handlers[ev] = () => { off(); resolve(); };
    for (const ev of fail) handlers[ev] = (e) => { off(); reject(e instanceof Error ? e : new Error(`sink ${ev}`)); };
    for (const [ev, fn] of Object.entries(handlers)) sink.on(ev, fn);
  });
}

function writeFully(sink: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => { sink.write(chunk, (e) => (e ? reject(e) : resolve())); });
}

export interface FeedOptions {
  maxHeaderBytes?: number;
  /**
   * Asked once the header block has been written and processed: true = the sink needs no body
   * (e.g. an unsigned message: nothing to hash), so the rest of the message is not read.
   */
  bodyNotNeeded?: () => boolean;
}

/**
 * Write the whole message to `sink`, end it and wait for it to finish. Rejects with
 * HeaderBlockTooLarge (the sink is then destroyed, the source left unread) or with the
 * source's or the sink's own error.
 */
export async function feedMessage(input: Buffer | Readable, sink: Writable, opts: FeedOptions = {}): Promise<void> {
  const maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
  const headers = new HeaderEndScanner();
  let sinkError: Error | undefined;
  const onSinkError = (e: Error) => { sinkError = e; };
  sink.on('error', onSinkError);
  try {
    for await (const raw of source) {
      if (sinkError || sink.destroyed) throw sinkError ?? new Error('sink closed');
      let chunk = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : (raw as Buffer);
      if (!headers.done) {
        const used = headers.scan(chunk);
        if (headers.bytes > maxHeaderBytes) throw new HeaderBlockTooLarge(maxHeaderBytes);
        if (headers.done && opts.bodyNotNeeded) {
          await writeFully(sink, chunk.subarray(0, used));
          if (opts.bodyNotNeeded()) break;
          chunk = chunk.subarray(used);
          if (chunk.length === 0) continue;
        }
      }
      if (!sink.write(chunk)) await settle(sink, ['drain'], ['error', 'close']);
    }
    if (sinkError) throw sinkError;
    const finished = settle(sink, ['finish'], ['error', 'close']);
    sink.end();
    await finished;
  } catch (e) {
    if (!Buffer.isBuffer(input)) source.destroy();
    sink.destroy();
    throw e;
  } finally {
    sink.off('error', onSinkError);
  }
}
