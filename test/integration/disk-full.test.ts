// A full disk: the data dir sits on a small tmpfs. A message that does not fit gets
// 452 4.3.1 Insufficient system storage; the engine keeps running and the next message that
// fits is accepted and delivered. (Needs root to mount a tmpfs; skipped where that fails.)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maildirFiles, startTestEngine, waitFor, type TestEngine } from '../helpers/engine';
import { RawSmtp } from '../helpers/smtp-script';

const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-full-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt]).status === 0;
if (!mounted && process.env.CI) throw new Error('cannot mount a tmpfs for the disk-full test (CI runs as root and should)');

describe.skipIf(!mounted)('disk full', () => {
  let te: TestEngine;
  beforeAll(async () => { te = await startTestEngine({ limits: { message_size_limit: 50_000_000 } }, mnt); });
  afterAll(async () => {
    await te?.stop();
    execFileSync('umount', [mnt]);
  });

  it('answers 452 4.3.1 for a message that does not fit, then accepts one that does', async () => {
    const c = await RawSmtp.connect(te.port('mx'));
    await c.reply();
    await c.cmd('EHLO full.example');
    await c.cmd('MAIL FROM:<a@example.org>');
    await c.cmd('RCPT TO:<big@relaylab.test>');
    expect(await c.cmd('DATA')).toMatch(/^354/);
    const line = `${'x'.repeat(998)}\r\n`;
    c.write('Subject: too big\r\n\r\n');
    for (let i = 0; i < 8 * 1024; i++) c.write(line); // 8 MB on a 6 MB disk
    c.write('.\r\n');
    expect(await c.reply(60_000)).toBe('452 4.3.1 Insufficient system storage');
    expect(await c.cmd('MAIL FROM:<a@example.org>')).toMatch(/^250/);
    await c.cmd('RCPT TO:<small@relaylab.test>');
    await c.cmd('DATA');
    expect(await c.cmd('Subject: fits\r\n\r\nsmall\r\n.')).toMatch(/^250 2\.0\.0 Ok: queued as/);
    c.close();
    await waitFor(() => maildirFiles(mnt, 'relaylab.test', 'small').length > 0, 10_000, 'delivery of the small message');
    expect(fs.readdirSync(path.join(mnt, 'spool')).filter((f) => fs.statSync(path.join(mnt, 'spool', f)).size > 1_000_000)).toEqual([]);
  });
});
