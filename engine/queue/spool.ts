// Spool files: one per message in <data>/spool/ (the queue row holds its path). Written once
// while DATA streams in, fsynced before the message is acknowledged, read by delivery, removed
// when it is done. New files come from SpoolPool, already durable in their directory.
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Writable, type Readable } from 'node:stream';

const openAsync = promisify(fs.open);
const fsyncAsync = promisify(fs.fsync);

/**
 * A spool file being written. Writes are synchronous: they only copy into the page cache
 * (microseconds), and a thread-pool hop each would cost more than they do. open (which can wait
 * on the directory while another file in it is being synced) and fsync are asynchronous.
 */
export class SpoolFile {
  size = 0;

  private constructor(readonly path: string, private fd: number | null) {}

  /** Open an (empty, pre-made) spool file for writing. */
  static async open(path: string): Promise<SpoolFile> {
    return new SpoolFile(path, await openAsync(path, 'w', 0o600));
  }

  write(b: Buffer | string): void {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    for (let off = 0; off < buf.length;) off += fs.writeSync(this.requireFd(), buf, off, buf.length - off);
    this.size += buf.length;
  }

  /** A Writable that appends to this file (for pipeline()). */
  sink(): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => { try { this.write(chunk); cb(); } catch (e) { cb(e as Error); } },
    });
  }

  /** fsync then close. */
  async commit(): Promise<void> {
    await fsyncAsync(this.requireFd());
    this.close();
  }

  close(): void {
    if (this.fd !== null) { fs.closeSync(this.fd); this.fd = null; }
  }

  /** Close and remove (a refused or failed message). */
  discard(): void {
    try { this.close(); } catch { /* closing failed: remove anyway */ }
    fs.rmSync(this.path, { force: true });
  }

  private requireFd(): number {
    if (this.fd === null) throw new Error(`spool file ${this.path} is closed`);
    return this.fd;
  }
}

/** Write `prefix` then the stream to a (pre-made) spool file, fsync it, close it. Returns the size. */
export async function writeSpool(file: string, prefix: string, body: Readable): Promise<number> {
  const f = await SpoolFile.open(file);
  try {
    f.write(prefix);
    await pipeline(body, f.sink());
    await f.commit();
    return f.size;
  } catch (e) {
    f.discard();
    throw e;
  }
}

/** Drain a stream without keeping anything (a refused message must still be read to its end). */
export async function drain(body: Readable | undefined): Promise<void> {
  if (!body || body.readableEnded || body.destroyed) return;
  body.resume();
  await new Promise<void>((resolve) => { body.once('end', resolve); body.once('error', () => resolve()); body.once('close', resolve); });
}

