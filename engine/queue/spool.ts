// Spool files: one per message, <data>/spool/<queue id>. Written once while DATA streams in,
// fsynced before the message is acknowledged, read by delivery, removed when it is done.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';

export function spoolPath(spoolDir: string, id: string): string {
  return path.join(spoolDir, id);
}

/** Write `prefix` then the stream to a new file; fsync it. Returns the bytes written. */
export async function writeSpool(file: string, prefix: string, body: Readable): Promise<number> {
  // A plain fd, not a FileHandle: a FileHandle's close() waits for its streams to close, and
  // this stream must not close the fd before we fsync it.
  const fd = await promisify(fs.open)(file, 'wx', 0o600);
  let ok = false;
  try {
    const out = fs.createWriteStream('', { fd, autoClose: false, emitClose: false });
    out.write(prefix);
    await pipeline(body, out);
    await promisify(fs.fsync)(fd);
    ok = true;
    return out.bytesWritten;
  } finally {
    await promisify(fs.close)(fd).catch(() => {});
    if (!ok) await fs.promises.rm(file, { force: true }).catch(() => {});
  }
}

/** Drain a stream without keeping anything (a refused message must still be read to its end). */
export async function drain(body: Readable): Promise<void> {
  body.resume();
  await new Promise<void>((resolve) => { body.once('end', resolve); body.once('error', () => resolve()); body.once('close', resolve); });
}

/** fsync a directory so the files created in it survive a crash (one call covers a batch). */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

/**
 * Coalesces directory fsyncs: every caller waits for a sync that *started* after its call,
 * so many sessions finishing at once share one fsync (group commit for the directory).
 */
export function createDirSyncer(dir: string): () => Promise<void> {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const run = (): Promise<void> => {
    running = syncDir(dir).finally(() => { running = null; });
    return running;
  };
  return () => {
    if (!running) return run();
    if (!queued) queued = running.catch(() => {}).then(() => { queued = null; return run(); });
    return queued;
  };
}
