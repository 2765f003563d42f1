// Issue 4 through a real engine: our users' mail is DKIM-signed; strangers' mail is verified at
// end of data (A-R and Received-SPF on top, the reasoning in messages.get); a forged From under
// p=reject is refused in-session; forwarding to a foreign domain rewrites MAIL FROM with SRS,
// and a bounce to that SRS address goes back to the original sender.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { writeDkimKey } from '../../engine/auth';
import { maildirFiles, startTestEngine, waitFor, type TestEngine } from '../helpers/engine';
import { RawSmtp } from '../helpers/smtp-script';

let te: TestEngine;
let sink: SMTPServer;
const seen: { from: string; to: string[]; data: string }[] = [];

beforeAll(async () => {
  sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => { seen.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('latin1') }); cb(); });
    } });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const sinkPort = (sink.server.address() as net.AddressInfo).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-auth-'));
  const key = writeDkimKey(path.join(dir, 'dkim'), 'relaylab.test', 's1', 'rsa');
  fs.writeFileSync(path.join(dir, 'virtual'), 'fwd@relaylab.test  friend@far.test\n');
  te = await startTestEngine({
    networks: { local: ['127.0.0.1/32'], vpn: [] },
    virtual_alias_maps: ['texthash:virtual'],
    transport: { 'far.test': `smtp:[127.0.0.1]:${sinkPort}` },
    srs: { domain: 'relaylab.test' },
    dns: { mode: 'zone', records: {
      'relaylab.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
      [key.txtName.replace(/\.$/, '')]: { TXT: [key.txtStrings] },
      '_dmarc.relaylab.test': { TXT: ['v=DMARC1; p=reject'] },
      'bank.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
      '_dmarc.bank.test': { TXT: ['v=DMARC1; p=reject'] },
      'stranger.test': { TXT: ['v=spf1 ip4:127.0.0.3 -all'] },
    } },
  }, dir);
});
afterAll(async () => { await te?.stop(); await new Promise<void>((r) => sink.close(() => r())); });

async function send(local: string, from: string, to: string, message: string): Promise<string> {
  const c = await RawSmtp.connect(te.port('mx'), { localAddress: local });
  await c.reply();
  await c.cmd('EHLO client.example');
  await c.cmd(`MAIL FROM:<${from}>`);
  const r = await c.cmd(`RCPT TO:<${to}>`);
  if (!r.startsWith('250')) { c.close(); return r; }
  await c.cmd('DATA');
  const reply = await c.cmd(`${message}\r\n.`);
  c.close();
  return reply;
}

describe('mail authentication in the engine', () => {
  it('signs our user\'s mail; the signed copy verifies from outside (SPF fail, DKIM pass, DMARC pass)', async () => {
    await send('127.0.0.1', 'ann@relaylab.test', 'box@relaylab.test', 'From: Ann <ann@relaylab.test>\r\nTo: box@relaylab.test\r\nSubject: signed\r\n\r\nhello signed world\r\n');
    const [f] = await waitFor(() => maildirFiles(te.dataDir, 'relaylab.test', 'box').length > 0 && maildirFiles(te.dataDir, 'relaylab.test', 'box'), 10_000, 'signed delivery');
    const delivered = fs.readFileSync(f as string, 'latin1');
    expect(delivered).toMatch(/\r\nDKIM-Signature: v=1; a=rsa-sha256;[^]*\bd=relaylab\.test;[^]*\bs=s1;/);
    // The same bytes sent on by a stranger's server (127.0.0.3 is not in relaylab.test's SPF).
    const original = delivered.split('\r\n').slice(2).join('\r\n').replace(/\r\n$/, '');
    const r = await send('127.0.0.3', 'ann@relaylab.test', 'box2@relaylab.test', original);
    expect(r).toMatch(/^250 2\.0\.0 Ok: queued as/);
    const id = /queued as (\S+)/.exec(r)?.[1] as string;
    const m = await te.engine.api['messages.get']({ id });
    expect(m.auth?.verdict.spf.result).toBe('fail');
    expect(m.auth?.verdict.dkim[0]).toMatchObject({ result: 'pass', d: 'relaylab.test' });
    expect(m.auth?.verdict.dmarc.result).toBe('pass');
    expect(m.headers[0]).toMatchObject({ name: 'Authentication-Results', value: expect.stringMatching(/^mx\.relaylab\.test;.*dkim=pass.*spf=fail.*dmarc=pass/) });
    expect(m.headers[1]?.name).toBe('Received-SPF');
  });

  it('refuses a forged From under p=reject in-session: 550 5.7.1', async () => {
    const r = await send('127.0.0.3', 'someone@stranger.test', 'box@relaylab.test', 'From: Your Bank <alerts@bank.test>\r\nSubject: urgent\r\n\r\nclick\r\n');
    expect(r).toMatch(/^550 5\.7\.1 .*rejected by DMARC policy for bank\.test/);
  });

  it('forwarding to a foreign domain uses an SRS0 sender; a bounce to it is reversed, a forged one refused', async () => {
    const r = await send('127.0.0.3', 'someone@stranger.test', 'fwd@relaylab.test', 'From: someone@stranger.test\r\nSubject: fwd\r\n\r\nplease forward\r\n');
    expect(r).toMatch(/^250/);
    const got = await waitFor(() => seen.find((s) => s.to.includes('friend@far.test')), 10_000, 'forwarded copy');
    expect(got.from).toMatch(/^SRS0=[A-Za-z0-9_-]{4}=[A-Z2-7]{2}=stranger\.test=someone@relaylab\.test$/);
    // ARC-sealed by us, above our Authentication-Results, so the next hop can see our verdict.
    expect(got.data).toMatch(/^ARC-Seal: i=1; a=rsa-sha256; [^]*cv=none[^]*\r\nARC-Message-Signature: i=1; [^]*\r\nARC-Authentication-Results: i=1; mx\.relaylab\.test;[^]*\r\nAuthentication-Results: mx\.relaylab\.test;/);
    // The far side bounces to the SRS address: we take it and send it back to someone@stranger.test.
    const c = await RawSmtp.connect(te.port('mx'), { localAddress: '127.0.0.3' });
    await c.reply();
    await c.cmd('EHLO far.test');
    await c.cmd('MAIL FROM:<>');
    expect(await c.cmd(`RCPT TO:<${got.from}>`)).toMatch(/^250/);
    expect(await c.cmd(`RCPT TO:<${got.from.replace(/^SRS0=..../, 'SRS0=abcd')}>`)).toMatch(/^550 5\.1\.1 .*Recipient address rejected/);
    c.close();
  });
});
