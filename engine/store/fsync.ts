// fsync helpers. Only fsync waits for the disk, so only fsync goes to libuv's thread pool;
// each costs one pool hop (a kept descriptor), not three (open, fsync, close).
import fs from 'node:fs';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fs.fsync);

/** fsync a file or directory by path (fsync acts on the inode, whichever descriptor asks). */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await fs.promises.open(path, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

/**
 * Coalesced fsync of one path (the spool directory, or SQLite's -wal file): every caller waits
 * for an fsync that *started* after its call, so many writers finishing at once share one.
 * The descriptor is kept open. That is safe for the WAL because SQLite reuses the file for the
 * life of the connection (it deletes it only when the last connection closes).
 */
export function coalescedFsync(path: string): { sync: () => Promise<void>; close: () => void } {
  let fd: number | null = null;
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const run = (): Promise<void> => {
    const p = (async () => {
      if (fd === null) fd = fs.openSync(path, 'r');
      await fsyncAsync(fd);
    })();
    running = p.finally(() => { if (running === p) running = null; });
    return p;
  };
  return {
    sync: () => {
      if (!running) return run();
      if (!queued) queued = running.catch(() => {}).then(() => { queued = null; return run(); });
      return queued;
    },
    close: () => { if (fd !== null) { try { fs.closeSync(fd); } catch { /* already closed */ } fd = null; } },
  };
}

const shared = new Map<string, Promise<void>>();
const sharedNext = new Map<string, Promise<void>>();

/**
 * fsync a directory by path, shared among concurrent callers (each waits for an fsync that
 * started after its call). For the many Maildir folders: nothing is kept open when idle.
 */
export function fsyncDirShared(dir: string): Promise<void> {
  const start = (): Promise<void> => {
    const p = fsyncPath(dir).finally(() => { if (shared.get(dir) === p) shared.delete(dir); });
    shared.set(dir, p);
    return p;
  };
  const running = shared.get(dir);
  if (!running) return start();
  let next = sharedNext.get(dir);
  if (!next) {
    next = running.catch(() => {}).then(() => { sharedNext.delete(dir); return start(); });
    sharedNext.set(dir, next);
  }
  return next;
}
