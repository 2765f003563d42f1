// @ts-check
// Maildir file I/O for a batch of deliveries: for each, tmp/<name> gets the header lines and then
// the spool file, is fsynced and renamed to new/<name>,S=<size>; then each new/ folder is fsynced
// (batches renaming into one folder share those fsyncs). The copies are synchronous and the
// fsyncs concurrent: it runs in a worker thread (maildir-writer.ts starts it) so the engine's
// thread never waits for it; only when no worker can be started does the engine call it itself.
// Plain JavaScript (checked by tsc through JSDoc) because a worker loads it without tsx.
// Trusts its caller for the paths: maildir.ts makes them safe and keeps them inside mailRoot.
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
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
 * Deliver a batch; one result per job, in order. Never rejects: a failure is a result.
 * Every file is written first, then all are fsynced at once (concurrent fsyncs share the file
 * system's journal commits, where one after another each would wait for its own), then renamed;
 * then each new/ folder of the batch is fsynced once.
 * @param {MaildirJob[]} jobs
 * @returns {Promise<MaildirResult[]>}
 */
export async function deliverBatch(jobs) {
  const written = jobs.map(writeOne);
  /** @type {MaildirResult[]} */
  const results = await Promise.all(written.map(async (w, i) => {
    const job = /** @type {MaildirJob} */ (jobs[i]);
    if ('key' in w) return w;
    try {
      await fsyncAsync(w.fd);
      fs.closeSync(w.fd);
      fs.renameSync(w.tmpPath, path.join(job.box, 'new', `${job.name},S=${w.size}`));
      return /** @type {MaildirResult} */ ({ key: job.key, ok: true, size: w.size });
    } catch (e) {
      try { fs.closeSync(w.fd); } catch { /* already closed */ }
      return fail(job, w.tmpPath, e);
    }
  }));
  /** @type {Map<string, number[]>} new/ folder -> indexes of the results renamed into it */
  const renamed = new Map();
  results.forEach((r, i) => {
    if (!r.ok) return;
    const newDir = path.join(/** @type {MaildirJob} */ (jobs[i]).box, 'new');
    const list = renamed.get(newDir) ?? [];
    list.push(i);
    renamed.set(newDir, list);
  });
  await Promise.all([...renamed].map(async ([newDir, indexes]) => {
    try {
      await fsyncPath(newDir);
    } catch (e) {
      // the files are in new/ but their names may not survive a crash: report, the queue retries
      for (const i of indexes) results[i] = failure(/** @type {MaildirJob} */ (jobs[i]).key, e);
    }
  }));
  return results;
}

/**
 * Write one job's file into tmp/ (not yet synced): its open descriptor, or the failure.
 * @param {MaildirJob} job
 * @returns {{ fd: number, tmpPath: string, size: number } | MaildirResult}
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
    try {
      const size = writeAll(fd, Buffer.from(job.top, 'utf8')) + copyFile(job.spoolPath, fd);
      return { fd, tmpPath, size };
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  } catch (e) {
    return fail(job, tmpPath, e);
  }
}

/**
 * @param {MaildirJob} job
 * @param {string} tmpPath
 * @param {unknown} e
 * @returns {MaildirResult}
 */
function fail(job, tmpPath, e) {
  knownBoxes.delete(job.box); // the next attempt re-creates the folders if they went away
  if (tmpPath) fs.rmSync(tmpPath, { force: true });
  return failure(job.key, e);
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

/** @type {(fd: number) => Promise<void>} */
const fsyncAsync = promisify(fs.fsync);

/** @param {string} p */
async function fsyncPathNow(p) {
  const fd = fs.openSync(p, 'r');
  try { await fsyncAsync(fd); } finally { fs.closeSync(fd); }
}

/** Per folder: the fsync running now, and the one queued behind it. */
const dirSyncs = new Map();

/**
 * fsync a folder so that every rename done before this call is durable. Calls that come while
 * one is running share the next one (many batches renaming into one new/ folder need few fsyncs).
 * @param {string} dir
 * @returns {Promise<void>}
 */
function fsyncPath(dir) {
  /** @type {{ running: Promise<void> | null, queued: Promise<void> | null }} */
  const s = dirSyncs.get(dir) ?? { running: null, queued: null };
  dirSyncs.set(dir, s);
  const start = () => {
    const p = fsyncPathNow(dir).finally(() => {
      if (s.running === p) s.running = null;
      if (!s.running && !s.queued) dirSyncs.delete(dir);
    });
    s.running = p;
    return p;
  };
  if (!s.running) return start();
  if (!s.queued) {
    s.queued = s.running.catch(() => {}).then(() => { s.queued = null; return start(); });
  }
  return s.queued;
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
      void deliverBatch(batch).then((results) => port.postMessage(results));
    });
  });
}
