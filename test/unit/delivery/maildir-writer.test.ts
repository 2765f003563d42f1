// MaildirWriter: Maildir file I/O in worker threads (real threads, real files in a temp dir), and
// the same code in the calling thread when no worker can be started.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MaildirWriter } from '../../../engine/delivery/maildir-writer';

let work: string;
beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-mdw-')); });
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

function spoolFile(content: string | Buffer): string {
  const p = path.join(work, `spool-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(p, content);
  return p;
}

describe('MaildirWriter', () => {
  it('writes many concurrent deliveries through its worker threads: header lines, then the spool file, into new/ with S=size', async () => {
    const w = new MaildirWriter();
    try {
      const box = path.join(work, 'mail', 'relaylab.test', 'bob');
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) =>
        w.write({ box, name: `n${i}`, top: `Delivered-To: bob@relaylab.test\r\n`, spoolPath: spoolFile(`Subject: ${i}\r\n\r\nbody ${i}\r\n`) })));
      expect(results.every((r) => r.ok)).toBe(true);
      const names = fs.readdirSync(path.join(box, 'new')).sort();
      expect(names).toHaveLength(60);
      for (const r of results) expect(r.ok && r.size).toBeGreaterThan(0);
      const one = names.find((n) => n.startsWith('n7,'));
      expect(one).toBeDefined();
      const text = fs.readFileSync(path.join(box, 'new', one as string), 'utf8');
      expect(text).toBe('Delivered-To: bob@relaylab.test\r\nSubject: 7\r\n\r\nbody 7\r\n');
      expect(one).toBe(`n7,S=${Buffer.byteLength(text)}`);
      expect(fs.readdirSync(path.join(box, 'tmp'))).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('copies a spool file larger than its copy buffer exactly', async () => {
    const w = new MaildirWriter();
    try {
      const big = Buffer.alloc(700 * 1024 + 13);
      for (let i = 0; i < big.length; i++) big[i] = 32 + (i % 90);
      const box = path.join(work, 'box');
      const r = await w.write({ box, name: 'big', top: 'X: 1\r\n', spoolPath: spoolFile(big) });
      expect(r).toMatchObject({ ok: true, size: big.length + 6 });
      expect(fs.readFileSync(path.join(box, 'new', `big,S=${big.length + 6}`)).subarray(6).equals(big)).toBe(true);
    } finally {
      await w.close();
    }
  });

  it('reports a failure as a result (missing spool file: ENOENT) and leaves nothing in tmp/', async () => {
    const w = new MaildirWriter();
    try {
      const box = path.join(work, 'box');
      const r = await w.write({ box, name: 'x', top: '', spoolPath: path.join(work, 'no-such-spool') });
      expect(r).toMatchObject({ ok: false, code: 'ENOENT' });
      expect(fs.readdirSync(path.join(box, 'tmp'))).toEqual([]);
      expect(fs.readdirSync(path.join(box, 'new'))).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('without its worker file it says so once and writes in the calling thread', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const w = new MaildirWriter(path.join(work, 'missing-worker.mjs'));
      const box = path.join(work, 'box');
      const r = await w.write({ box, name: 'y', top: 'A: b\r\n', spoolPath: spoolFile('hello\r\n') });
      expect(r).toMatchObject({ ok: true, size: 13 });
      expect(fs.readFileSync(path.join(box, 'new', 'y,S=13'), 'utf8')).toBe('A: b\r\nhello\r\n');
      expect(err).toHaveBeenCalledTimes(1);
      expect(String(err.mock.calls[0]?.[0])).toMatch(/Maildir writes run in the engine's thread \(no worker thread: .*missing-worker\.mjs is missing\)/);
    } finally {
      err.mockRestore();
    }
  });

  it('a closed writer answers writes still out as failed (the queue retries them)', async () => {
    const w = new MaildirWriter();
    const box = path.join(work, 'box');
    const pending = w.write({ box, name: 'z', top: '', spoolPath: spoolFile('x\r\n') });
    await w.close();
    const r = await pending;
    // either the worker finished before close, or the write is reported as not done
    if (!r.ok) expect(r.message).toMatch(/stopped/);
    else expect(fs.existsSync(path.join(box, 'new', 'z,S=3'))).toBe(true);
  });
});
