// RFC 2920 pipelining: a client that sends the message before the 354 is an unauthorised
// pipeliner; reject_unauth_pipelining refuses its DATA (503 5.5.0), as Postfix does. A client
// that pipelines within the rules (MAIL, RCPT, DATA in one packet, then waits) is fine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { RawSmtp } from '../helpers/smtp-script';

let te: TestEngine;
beforeAll(async () => { te = await startTestEngine({ policy: { data: ['reject_unauth_pipelining'] } }); });
afterAll(async () => { await te?.stop(); });

async function session(): Promise<RawSmtp> {
  const c = await RawSmtp.connect(te.port('mx'));
  await c.reply();
  expect(await c.cmd('EHLO client.example')).toContain('PIPELINING');
  return c;
}

describe('reject_unauth_pipelining', () => {
  it('accepts MAIL, RCPT and DATA sent together (DATA ends the group)', async () => {
    const c = await session();
    c.write('MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@relaylab.test>\r\nDATA\r\n');
    expect(await c.reply()).toMatch(/^250/);
    expect(await c.reply()).toMatch(/^250/);
    expect(await c.reply()).toMatch(/^354/);
    expect(await c.cmd('Subject: ok\r\n\r\nfine\r\n.')).toMatch(/^250 2\.0\.0 Ok: queued/);
    c.close();
  });

  it('refuses DATA when the message was sent before the 354', async () => {
    const c = await session();
    expect(await c.cmd('MAIL FROM:<a@example.org>')).toMatch(/^250/);
    expect(await c.cmd('RCPT TO:<bob@relaylab.test>')).toMatch(/^250/);
    c.write('DATA\r\nSubject: smuggled\r\n\r\nbody\r\n.\r\n');
    expect(await c.reply()).toBe('503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining');
    c.close();
  });

  it('flags a client that talks past EHLO without waiting', async () => {
    const c = await RawSmtp.connect(te.port('mx'));
    await c.reply();
    c.write('EHLO client.example\r\nMAIL FROM:<a@example.org>\r\n');
    expect(await c.reply()).toMatch(/^250/);
    expect(await c.reply()).toMatch(/^250/);
    expect(await c.cmd('RCPT TO:<bob@relaylab.test>')).toMatch(/^250/);
    expect(await c.cmd('DATA')).toMatch(/^503 5\.5\.0/);
    c.close();
  });
});
