// The issue-3 pipeline through a real engine: access tables, table actions (PREPEND, HOLD,
// DISCARD, REDIRECT), virtual aliases (expansion, unknown users in an alias domain), an RBL
// published in the lab zone, and greylisting with its retry.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maildirFiles, startTestEngine, waitFor, type TestEngine } from '../helpers/engine';
import { RawSmtp } from '../helpers/smtp-script';

let te: TestEngine;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'relaylab-pol-'));
  fs.mkdirSync(path.join(dir, 'tables'));
  fs.writeFileSync(path.join(dir, 'tables', 'sender_access'), [
    'spammer@example.org   REJECT no mail from you',
    'tagged@example.org    PREPEND X-Tagged: yes',
    'held@example.org      HOLD checking you',
    'gone@example.org      DISCARD',
    'bounce@example.org    REDIRECT sink@relaylab.test',
    'grey@example.org      greylist',
  ].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'tables', 'virtual'), 'team@aliases.test  ann@relaylab.test, bob@relaylab.test\n');
  te = await startTestEngine({
    networks: { local: ['127.0.0.1/32'], vpn: [] },
    policy: {
      sender: ['check_sender_access texthash:tables/sender_access'],
      recipient: ['reject_rbl_client bl.lab.test', 'reject_unauth_destination'],
      restriction_classes: { greylist: ['check_greylist'] },
    },
    virtual_alias_maps: ['texthash:tables/virtual'],
    dns: { mode: 'zone', records: { '2.0.0.127.bl.lab.test': { A: ['127.0.0.2'], TXT: ['listed in the lab blocklist'] } } },
    greylist: { delay: '1s' },
  }, dir);
});
afterAll(async () => { await te?.stop(); });

async function send(from: string, to: string, o: { local?: string; subject?: string } = {}): Promise<string[]> {
  const c = await RawSmtp.connect(te.port('mx'), { localAddress: o.local ?? '127.0.0.3' });
  const replies = [await c.reply(), await c.cmd('EHLO client.example'), await c.cmd(`MAIL FROM:<${from}>`), await c.cmd(`RCPT TO:<${to}>`)];
  if (replies[3]?.startsWith('250')) {
    replies.push(await c.cmd('DATA'));
    replies.push(await c.cmd(`Subject: ${o.subject ?? 'policy'}\r\n\r\nbody\r\n.`));
  }
  c.close();
  return replies;
}

describe('policy pipeline on a real engine', () => {
  it('a sender_access REJECT answers with its text at RCPT (delay_reject)', async () => {
    const r = await send('spammer@example.org', 'ann@relaylab.test');
    expect(r[2]).toMatch(/^250/);
    expect(r[3]).toBe('554 5.7.1 <spammer@example.org>: Sender address rejected: no mail from you');
  });

  it('an RBL in the lab zone refuses the client', async () => {
    const r = await send('ok@example.org', 'ann@relaylab.test', { local: '127.0.0.2' });
    expect(r[3]).toBe('554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using bl.lab.test; listed in the lab blocklist');
  });

  it('virtual aliases: expansion to two mailboxes; an unknown user of the alias domain is refused', async () => {
    const r = await send('ok@example.org', 'team@aliases.test');
    expect(r[5]).toMatch(/^250 2\.0\.0 Ok: queued/);
    await waitFor(() => maildirFiles(te.dataDir, 'relaylab.test', 'ann').length > 0 && maildirFiles(te.dataDir, 'relaylab.test', 'bob').length > 0, 10_000, 'alias delivery');
    expect((await send('ok@example.org', 'nobody@aliases.test'))[3]).toBe('550 5.1.1 <nobody@aliases.test>: Recipient address rejected: User unknown in virtual alias table');
  });

  it('PREPEND adds a header above our Received; HOLD keeps the message on hold; DISCARD says 250 and keeps nothing; REDIRECT replaces the recipient', async () => {
    await send('tagged@example.org', 'cara@relaylab.test', { subject: 'tagged' });
    const [f] = await waitFor(() => maildirFiles(te.dataDir, 'relaylab.test', 'cara').length > 0 && maildirFiles(te.dataDir, 'relaylab.test', 'cara'), 10_000, 'tagged');
    const lines = fs.readFileSync(f as string, 'utf8').split('\r\n');
    expect(lines[lines.findIndex((l) => l.startsWith('Received: from')) - 1]).toBe('X-Tagged: yes'); // PREPEND sits right above our Received

    const held = await send('held@example.org', 'dana@relaylab.test');
    const id = /queued as (\S+)/.exec(held[5] ?? '')?.[1] as string;
    expect((await te.engine.api['queue.list']({ state: 'hold' })).map((q) => q.id)).toContain(id);

    const gone = await send('gone@example.org', 'eve@relaylab.test');
    expect(gone[5]).toMatch(/^250 2\.0\.0 Ok: queued as/);
    const goneId = /queued as (\S+)/.exec(gone[5] ?? '')?.[1] as string;
    await expect(te.engine.api['messages.get']({ id: goneId })).rejects.toMatchObject({ code: 'MESSAGE.NOT_FOUND' });

    await send('bounce@example.org', 'fay@relaylab.test');
    await waitFor(() => maildirFiles(te.dataDir, 'relaylab.test', 'sink').length > 0, 10_000, 'redirected');
    expect(maildirFiles(te.dataDir, 'relaylab.test', 'fay')).toEqual([]);
  });

  it('greylisting through a restriction class: 450 4.2.0 first, accepted on a retry after the delay', async () => {
    expect((await send('grey@example.org', 'gil@relaylab.test'))[3]).toBe('450 4.2.0 <gil@relaylab.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/relaylab.test.html');
    await new Promise((r) => setTimeout(r, 1100));
    const r = await send('grey@example.org', 'gil@relaylab.test');
    expect(r[5]).toMatch(/^250/);
    const [f] = await waitFor(() => maildirFiles(te.dataDir, 'relaylab.test', 'gil').length > 0 && maildirFiles(te.dataDir, 'relaylab.test', 'gil'), 10_000, 'greylisted delivery');
    expect(fs.readFileSync(f as string, 'utf8')).toMatch(/\r\nX-Greylist: delayed 1 seconds by relaylab-greylist at mx\.relaylab\.test; /);
  });
});
