// @ts-check
// Maildir file I/O for a batch of deliveries: for each, tmp/<name> gets the header lines and then
// the spool file, is fsynced and renamed to new/<name>,S=<size>; then each new/ folder of the
// batch is fsynced once (deliveries to one mailbox share that fsync). Synchronous on purpose: it
// runs in a worker thread (maildir-writer.ts starts it) so the engine's thread never waits for
// it; only when no worker can be started does the engine call it in its own thread.
// Plain JavaScript (checked by tsc through JSDoc) because a worker loads it without tsx.
// Trusts its caller for the paths: maildir.ts makes them safe and keeps them inside mailRoot.
import fs from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * @typedef {{ key: number, box: string, name: string, top: string, spoolPath: string }} MaildirJob
 * @typedef {{ key: number, ok: true, size: number } | { key: number, ok: false, code: string, message: string }} MaildirResult
 */

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const CHUNK = 256 * 1024;
/** Mailboxes whose tmp/new/cur exist (forgotten after any failure, so a removed one is re-created). */
const knownBoxes = new Set();
/** One copy buffer per thread: large spool files stream through it, never whole into memory. */
let copyBuffer = Buffer.alloc(0);

/**
 * Deliver a batch; one result per job, in order. Never throws: a failure is a result.
 * @param {MaildirJob[]} jobs
 * @returns {MaildirResult[]}
 */
export function deliverBatch(jobs) {
  /** @type {MaildirResult[]} */
  const results = [];
  /** @type {Map<string, number[]>} new/ folder -> indexes of the results renamed into it */
  const renamed = new Map();
  for (const job of jobs) {
    const r = writeOne(job);
    results.push(r);
    if (r.ok) {
      const newDir = path.join(job.box, 'new');
      const list = renamed.get(newDir) ?? [];
      list.push(results.length - 1);
      renamed.set(newDir, list);
    }
  }
  for (const [newDir, indexes] of renamed) {
    try {
      fsyncPath(newDir);
    } catch (e) {
      // the files are in new/ but their names may not survive a crash: report, the queue retries
      for (const i of indexes) results[i] = failure(/** @type {MaildirJob} */ (jobs[i]).key, e);
    }
  }
  return results;
}

/**
 * @param {MaildirJob} job
 * @returns {MaildirResult}
 */
function writeOne(job) {
  let tmpPath = '';
  try {
    if (!knownBoxes.has(job.box)) {
      for (const sub of ['tmp', 'new', 'cur']) fs.mkdirSync(path.join(job.box, sub), { recursive: true, mode: DIR_MODE });
      knownBoxes.add(job.box);
    }
    tmpPath = path.join(job.box, 'tmp', job.name);
    const fd = fs.openSync(tmpPath, 'wx', FILE_MODE);
    let size = 0;
    try {
      size += writeAll(fd, Buffer.from(job.top, 'utf8'));
      size += copyFile(job.spoolPath, fd);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmpPath, path.join(job.box, 'new', `${job.name},S=${size}`));
    return { key: job.key, ok: true, size };
  } catch (e) {
    knownBoxes.delete(job.box);
    if (tmpPath) fs.rmSync(tmpPath, { force: true });
    return failure(job.key, e);
  }
}

/**
 * Append the whole of `from` to fd, CHUNK bytes at a time. Returns the bytes copied.
 * @param {string} from
 * @param {number} fd
 */
function copyFile(from, fd) {
  const src = fs.openSync(from, 'r');
  try {
    if (copyBuffer.length === 0) copyBuffer = Buffer.allocUnsafe(CHUNK);
    let total = 0;
    for (;;) {
      const n = fs.readSync(src, copyBuffer, 0, CHUNK, null);
      if (n === 0) return total;
      total += writeAll(fd, copyBuffer.subarray(0, n));
    }
  } finally {
    fs.closeSync(src);
  }
}

/**
 * A write may be short (POSIX): loop until the whole buffer is in the file.
 * @param {number} fd
 * @param {Buffer} buf
 */
function writeAll(fd, buf) {
  for (let off = 0; off < buf.length;) {
    const n = fs.writeSync(fd, buf, off, buf.length - off);
    if (n <= 0) throw Object.assign(new Error('short write to the mailbox file'), { code: 'EIO' });
    off += n;
  }
  return buf.length;
}

/** @param {string} p */
function fsyncPath(p) {
  const fd = fs.openSync(p, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}

/**
 * @param {number} key
 * @param {unknown} e
 * @returns {MaildirResult}
 */
function failure(key, e) {
  const err = /** @type {NodeJS.ErrnoException} */ (e);
  return { key, ok: false, code: typeof err?.code === 'string' ? err.code : 'EIO', message: e instanceof Error ? e.message : String(e) };
}

// As a worker: jobs arrive one message each; those that arrived while a batch was being written
// form the next batch (so they share its folder fsyncs).
if (!isMainThread && parentPort && workerData?.role === 'relaylab-maildir') {
  const port = parentPort;
  /** @type {MaildirJob[]} */
  let waiting = [];
  let scheduled = false;
  port.on('message', (/** @type {MaildirJob} */ job) => {
    waiting.push(job);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const batch = waiting;
      waiting = [];
      port.postMessage(deliverBatch(batch));
    });
  });
}
