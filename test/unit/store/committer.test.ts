// Group commit against a real SQLite file: durable() resolves only after the WAL sync, a failed
// write fails alone, and a failed sync fails every write of its batch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../engine/store/db';
import { GroupCommitter } from '../../../engine/store/committer';

function setup(sync: () => Promise<void>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-commit-'));
  const db = openDb(path.join(dir, 'x.sqlite'));
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  return { db, c: new GroupCommitter(db, sync) };
}

describe('GroupCommitter', () => {
  it('shares one commit among writes made in the same tick and resolves after the sync', async () => {
    let syncs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const { db, c } = setup(async () => { syncs++; await gate; });
    let done = 0;
    const ps = ['a', 'b', 'c'].map((k) => c.durable(() => { db.prepare('INSERT INTO t VALUES (?)').run(k); }).then(() => { done++; }));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(0); // committed, but not yet synced
    expect(c.stats.commits).toBe(1);
    release();
    await Promise.all(ps);
    expect(done).toBe(3);
    expect(syncs).toBe(1);
  });

  it('a failing write fails alone; the others commit', async () => {
    const { db, c } = setup(async () => {});
    const ok = c.durable(() => { db.prepare('INSERT INTO t VALUES (?)').run('x'); });
    const bad = c.durable(() => { db.prepare('INSERT INTO t VALUES (?)').run('x'); }); // duplicate key
    await expect(ok).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow(/UNIQUE/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
  });

  it('a failed sync rejects every write of the batch (nothing is acknowledged)', async () => {
    const { db, c } = setup(async () => { throw Object.assign(new Error('EIO: fsync failed'), { code: 'EIO' }); });
    const ps = ['a', 'b'].map((k) => c.durable(() => { db.prepare('INSERT INTO t VALUES (?)').run(k); }));
    for (const p of ps) await expect(p).rejects.toThrow(/fsync failed/);
  });
});
