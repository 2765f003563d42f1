// DATA streams: a 50 MB message is accepted and delivered while the engine's resident memory
// grows by less than 30 MB. The engine runs as its own process so only its memory is measured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startChildEngine, writeConfig } from '../helpers/child-engine';
import { RawSmtp } from '../helpers/smtp-script';
import { maildirFiles, waitFor } from '../helpers/engine';

const SIZE = 50 * 1024 * 1024;

describe('large messages', () => {
  it('accepts a 50 MB message with peak RSS growth under 30 MB', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-big-'));
    const engine = await startChildEngine(writeConfig(dataDir, { limits: { message_size_limit: 60_000_000 } }), dataDir);
    try {
      const c = await RawSmtp.connect(engine.ports.mx as number);
      await c.reply();
      await c.cmd('EHLO big.example');
      // Warm up: one small message, so code paths are loaded before the baseline.
      await c.cmd('MAIL FROM:<a@example.org>'); await c.cmd('RCPT TO:<warm@relaylab.test>'); await c.cmd('DATA');
      await c.cmd('Subject: warm\r\n\r\nx\r\n.');
      await waitFor(() => maildirFiles(dataDir, 'relaylab.test', 'warm').length > 0, 10_000, 'warm-up delivery');
      const before = engine.memory();
      await c.cmd('MAIL FROM:<a@example.org>'); await c.cmd('RCPT TO:<big@relaylab.test>');
      expect(await c.cmd('DATA')).toMatch(/^354/);
      const line = `${'0123456789'.repeat(7)}abcdef\r\n`; // 78 bytes
      const chunk = line.repeat(Math.floor(64 * 1024 / line.length));
      c.write('Subject: big\r\n\r\n');
      let sent = 0;
      while (sent < SIZE) {
        c.write(chunk);
        sent += chunk.length;
        if (sent % (4 * 1024 * 1024) < chunk.length) await new Promise((r) => setTimeout(r, 5)); // let the socket drain
      }
      c.write('.\r\n');
      expect(await c.reply(120_000)).toMatch(/^250 2\.0\.0 Ok: queued as/);
      const accepted = engine.memory();
      const [file] = await waitFor(() => maildirFiles(dataDir, 'relaylab.test', 'big').length > 0 && maildirFiles(dataDir, 'relaylab.test', 'big'), 60_000, 'big delivery');
      expect(fs.statSync(file as string).size).toBeGreaterThan(SIZE);
      const after = engine.memory();
      const growth = after.hwm - before.rss;
      console.log(`large-message: RSS before ${(before.rss / 2 ** 20).toFixed(1)} MB, peak at 250 ${(accepted.hwm / 2 ** 20).toFixed(1)} MB, peak after delivery ${(after.hwm / 2 ** 20).toFixed(1)} MB, growth ${(growth / 2 ** 20).toFixed(1)} MB for a ${SIZE / 2 ** 20} MB message`);
      expect(growth).toBeLessThan(30 * 1024 * 1024);
      c.close();
    } finally {
      await engine.stop();
    }
  }, 180_000);
});
