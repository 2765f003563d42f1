// Hands Maildir writes (maildir-io.mjs) to worker threads, so the file copies, fsyncs and renames
// of local delivery never run on the engine's thread (which answers SMTP). Jobs go round-robin to
// WORKERS threads; each writes the jobs that wait for it as one batch (one fsync per new/ folder).
// When no worker can be started (a bundle without maildir-io.mjs beside it), the same code runs in
// the engine's thread, and it says so once.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { deliverBatch } from './maildir-io.mjs';
import type { MaildirJob, MaildirResult } from './maildir-io.mjs';

export type MaildirJobInput = Omit<MaildirJob, 'key'>;

/** Two: while one thread waits for an fsync, the other can copy and sync the next batch. */
const WORKERS = 2;
/** A worker that dies this many times in a row is not started again. */
const MAX_RESTARTS = 3;

interface Slot { worker: Worker | null; pending: Map<number, (r: MaildirResult) => void>; failures: number }

export class MaildirWriter {
  private readonly slots: Slot[] = [];
  private next = 0;
  private key = 0;
  private inProcess = false;

  constructor(private readonly workerFile = defaultWorkerFile(), workers = WORKERS) {
    for (let i = 0; i < workers; i++) this.slots.push({ worker: null, pending: new Map(), failures: 0 });
    if (!fs.existsSync(this.workerFile)) this.fallBack(`${this.workerFile} is missing`);
  }

  /** Write one delivery; resolves with its outcome (never rejects). */
  write(input: MaildirJobInput): Promise<MaildirResult> {
    const job: MaildirJob = { ...input, key: ++this.key };
    const slot = this.inProcess ? undefined : this.slots[this.next++ % this.slots.length];
    const worker = slot && this.ensureWorker(slot);
    if (!slot || !worker) return deliverBatch([job]).then((r) => r[0] as MaildirResult);
    return new Promise((resolve) => {
      slot.pending.set(job.key, resolve);
      if (slot.pending.size === 1) worker.ref(); // keep the process alive while a write is out
      worker.postMessage(job);
    });
  }

  /** Stop the worker threads (writes still out are reported as failed, and will be retried). */
  async close(): Promise<void> {
    await Promise.all(this.slots.map(async (s) => {
      const w = s.worker;
      s.worker = null;
      if (w) await w.terminate();
      this.failAll(s, 'the Maildir writer was stopped');
    }));
  }

  private ensureWorker(slot: Slot): Worker | null {
    if (slot.worker) return slot.worker;
    let w: Worker;
    try {
      w = new Worker(this.workerFile, { workerData: { role: 'relaylab-maildir' } });
    } catch (e) {
      this.fallBack((e as Error).message);
      return null;
    }
    w.unref();
    w.on('message', (results: MaildirResult[]) => {
      slot.failures = 0;
      for (const r of results) {
        const done = slot.pending.get(r.key);
        slot.pending.delete(r.key);
        done?.(r);
      }
      if (slot.pending.size === 0) w.unref();
    });
    const lost = (why: string) => {
      if (slot.worker !== w) return;
      slot.worker = null;
      this.failAll(slot, `the Maildir writer thread stopped: ${why}`);
      if (++slot.failures >= MAX_RESTARTS) this.fallBack(why);
    };
    w.on('error', (e) => lost(e.message));
    w.on('exit', (code) => lost(`exit code ${code}`));
    slot.worker = w;
    return w;
  }

  private failAll(slot: Slot, message: string): void {
    for (const [key, done] of slot.pending) done({ key, ok: false, code: 'EIO', message });
    slot.pending.clear();
  }

  private fallBack(why: string): void {
    if (this.inProcess) return;
    this.inProcess = true;
    console.error(`relaylab: Maildir writes run in the engine's thread (no worker thread: ${why})`);
  }
}

/** maildir-io.mjs beside this module; in Electron's CommonJS bundle (import.meta empty) beside main.cjs. */
function defaultWorkerFile(): string {
  const url = import.meta.url as string | undefined;
  return url ? fileURLToPath(new URL('./maildir-io.mjs', url)) : path.join(__dirname, 'maildir-io.mjs');
}

let shared: MaildirWriter | undefined;

/** The process's writer, started on first use. */
export function maildirWriter(): MaildirWriter {
  shared ??= new MaildirWriter();
  return shared;
}
