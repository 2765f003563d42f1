// Ready-made spool files. Creating a file changes its directory, and making that change durable
// costs a directory fsync on the path of every message; under load that fsync waits behind all
// others. Instead, empty files are made ahead in batches (one directory fsync per batch), and a
// message is written into one whose directory entry is already on disk: then the file's own
// fsync is all that stands between the data and the 250. (Postfix creates a queue file per
// message; this is our answer to the same cost.)
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncPath } from '../store/fsync';

const PREFIX = 'pool-';

export class SpoolPool {
  private ready: string[] = [];
  private waiters: Array<{ resolve: (p: string) => void; reject: (e: Error) => void }> = [];
  private refilling: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly dir: string, private readonly target = 64) {}

  /** Remove pool files that no queued message uses (left over from a previous run). */
  sweep(inUse: ReadonlySet<string>): number {
    let removed = 0;
    for (const name of fs.readdirSync(this.dir)) {
      const full = path.join(this.dir, name);
      if (name.startsWith(PREFIX) && !inUse.has(full)) { fs.rmSync(full, { force: true }); removed++; }
    }
    return removed;
  }

  /** A durable, empty spool file for one message; it is the caller's from now on. */
  take(): Promise<string> {
    const p = this.ready.pop();
    if (this.ready.length < this.target / 2) this.refill();
    if (p) return Promise.resolve(p);
    return new Promise((resolve, reject) => { this.waiters.push({ resolve, reject }); this.refill(); });
  }

  private refill(): void {
    if (this.refilling || this.closed) return;
    this.refilling = this.makeBatch(this.target - this.ready.length + this.waiters.length)
      .then((files) => {
        for (const f of files) {
          const w = this.waiters.shift();
          if (w) w.resolve(f); else this.ready.push(f);
        }
      }, (e: Error) => { for (const w of this.waiters.splice(0)) w.reject(e); })
      .finally(() => {
        this.refilling = null;
        if (this.waiters.length > 0 || this.ready.length < this.target / 2) this.refill();
      });
  }

  private async makeBatch(n: number): Promise<string[]> {
    const files = await Promise.all(Array.from({ length: Math.max(1, n) }, async () => {
      const f = path.join(this.dir, `${PREFIX}${crypto.randomBytes(9).toString('base64url')}`);
      const fh = await fs.promises.open(f, 'wx', 0o600);
      await fh.close();
      return f;
    }));
    await fsyncPath(this.dir);
    return files;
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new Error('spool pool closed'));
  }
}
