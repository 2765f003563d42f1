import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpoolPool } from '../../../engine/queue/spool-pool';
import { SpoolFile, writeSpool } from '../../../engine/queue/spool';
import { Readable } from 'node:stream';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-spool-'));

describe('SpoolPool', () => {
  it('hands out distinct empty files that exist in the spool dir, and refills', async () => {
    const dir = tmp();
    const pool = new SpoolPool(dir, 4);
    const files = await Promise.all(Array.from({ length: 10 }, () => pool.take()));
    expect(new Set(files).size).toBe(10);
    for (const f of files) {
      expect(path.dirname(f)).toBe(dir);
      expect(fs.statSync(f).size).toBe(0);
    }
    pool.close();
  });

  it('sweep removes pool files no message uses and keeps the ones in use', async () => {
    const dir = tmp();
    const pool = new SpoolPool(dir, 4);
    const used = await pool.take();
    const unused = await pool.take();
    pool.close();
    const removed = new SpoolPool(dir, 4).sweep(new Set([used]));
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(used)).toBe(true);
    expect(fs.existsSync(unused)).toBe(false);
  });
});

describe('SpoolFile', () => {
  it('writes prefix and stream, counts the size, and discard removes the file', async () => {
    const dir = tmp();
    const pool = new SpoolPool(dir, 2);
    const file = await pool.take();
    const size = await writeSpool(file, 'Received: x\r\n', Readable.from([Buffer.from('Subject: a\r\n\r\nbody\r\n')]));
    expect(size).toBe(fs.statSync(file).size);
    expect(fs.readFileSync(file, 'utf8')).toBe('Received: x\r\nSubject: a\r\n\r\nbody\r\n');
    const f2 = await SpoolFile.open(await pool.take());
    f2.write('abc');
    f2.discard();
    expect(fs.existsSync(f2.path)).toBe(false);
    pool.close();
  });
});
