// Descriptors do not leak per message: 300 messages (signed-or-not, verified, delivered) leave
// the engine's open file count where it was. (A leak once exhausted the limit under load.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startChildEngine, writeConfig } from '../helpers/child-engine';
import { RawSmtp } from '../helpers/smtp-script';
import { waitFor } from '../helpers/engine';

describe('file descriptors', () => {
  it('stay flat over 300 messages from local and outside clients', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-fd-'));
    const engine = await startChildEngine(writeConfig(dataDir, { networks: { local: ['127.0.0.1/32'], vpn: [] } }), dataDir);
    const fds = () => fs.readdirSync(`/proc/${engine.proc.pid}/fd`).length;
    const sendBatch = async (n: number, local: string) => {
      const c = await RawSmtp.connect(engine.ports.mx as number, { localAddress: local });
      await c.reply();
      await c.cmd('EHLO fd.example');
      for (let i = 0; i < n; i++) {
        await c.cmd('MAIL FROM:<a@example.org>');
        await c.cmd(`RCPT TO:<u${i % 5}@relaylab.test>`);
        await c.cmd('DATA');
        expect(await c.cmd(`From: a@example.org\r\nSubject: fd ${i}\r\n\r\nbody\r\n.`)).toMatch(/^250/);
      }
      c.close();
    };
    try {
      await sendBatch(20, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 500));
      const before = fds();
      await sendBatch(150, '127.0.0.1'); // local: the signing path (no key: nothing to sign)
      await sendBatch(150, '127.0.0.3'); // outside: the verification path
      const after = await waitFor(async () => { await new Promise((r) => setTimeout(r, 300)); const n = fds(); return n - before < 20 ? n : 0; }, 15_000, 'descriptors to settle')
        .catch(() => fds());
      console.log(`fd-leak: ${before} descriptors before, ${after} after 300 messages`);
      expect(after - before).toBeLessThan(20);
    } finally {
      await engine.stop();
    }
  }, 120_000);
});
