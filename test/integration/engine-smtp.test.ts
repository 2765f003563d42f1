// The engine end to end on loopback: real listeners, real SQLite and spool files, real Maildir,
// driven by nodemailer and by a raw socket client where exact bytes matter.
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { maildirFiles, startTestEngine, waitFor, type TestEngine } from '../helpers/engine';
import { RawSmtp } from '../helpers/smtp-script';

let te: TestEngine;
let sink: SMTPServer;
let sinkPort = 0;
const sinkMessages: { from: string; to: string[]; data: string }[] = [];

beforeAll(async () => {
  // The "internet": a next hop on loopback that accepts everything except rcpts named reject*.
  sink = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onRcptTo(a, _s, cb) { cb(a.address.startsWith('reject') ? Object.assign(new Error('5.1.1 User unknown'), { responseCode: 550 }) : a.address.startsWith('later') ? Object.assign(new Error('4.2.0 Try later'), { responseCode: 451 }) : undefined); },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        sinkMessages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString() });
        cb();
      });
    },
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  sinkPort = (sink.server.address() as net.AddressInfo).port;
  te = await startTestEngine({
    networks: { local: ['127.0.0.1/32', '::1/128'], vpn: ['127.0.0.3/32'] },
    domains: ['relaylab.test', 'fwd.relaylab.test'],
    transport: { 'remote.test': `smtp:[127.0.0.1]:${sinkPort}`, 'fwd.relaylab.test': `smtp:[127.0.0.1]:${sinkPort}` },
    limits: { message_size_limit: 200_000 },
  });
  te.engine.users.add('alice', 'correct horse battery');
});

afterAll(async () => {
  await te?.stop();
  await new Promise<void>((r) => sink.close(() => r()));
});

function mailer(port: number, o: Record<string, unknown> = {}) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, tls: { rejectUnauthorized: false }, ...o });
}

describe('mx listener', () => {
  it('accepts mail for a local domain and delivers it to Maildir with Return-Path and Delivered-To on top', async () => {
    const info = await mailer(te.port('mx'), { ignoreTLS: true }).sendMail({
      from: 'bob@example.org', to: 'carol@relaylab.test', subject: 'hello', text: 'first message',
      headers: { 'Return-Path': '<forged@example.org>' },
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-Z]{12}$/);
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const [file] = await waitFor(() => maildirFiles(te.dataDir, 'relaylab.test', 'carol').length > 0 && maildirFiles(te.dataDir, 'relaylab.test', 'carol'), 10_000, 'maildir delivery');
    const text = fs.readFileSync(file as string, 'utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('Return-Path: <bob@example.org>');
    expect(lines[1]).toBe('Delivered-To: carol@relaylab.test');
    expect(lines[2]).toMatch(/^Received: from \S+ \(localhost \[127\.0\.0\.1\]\)$/);
    expect(text).toMatch(new RegExp(`by mx\\.relaylab\\.test \\(Relay Lab\\) with ESMTP id ${id}\\r\\n\\tfor <carol@relaylab\\.test>; `));
    expect(text).not.toContain('forged@example.org');
    expect(text).toContain('first message');
    const m = await te.engine.api['messages.get']({ id });
    expect(m.headers[0]?.name).toBe('Received');
    expect(m.headersAdded).toEqual(['Received']);
    await waitFor(async () => (await te.engine.api['messages.get']({ id })).summary.state === 'sent', 5000, 'state sent');
  });

  it('refuses relaying for a public client: 554 5.7.1 Relay access denied, and the trace names the check', async () => {
    const c = await RawSmtp.connect(te.port('mx'), { localAddress: '127.0.0.2' });
    expect(await c.reply()).toMatch(/^220 mx\.relaylab\.test ESMTP/);
    expect(await c.cmd('EHLO client.example')).toMatch(/^250/);
    expect(await c.cmd('MAIL FROM:<x@example.org>')).toMatch(/^250/);
    expect(await c.cmd('RCPT TO:<victim@elsewhere.test>')).toBe('554 5.7.1 <victim@elsewhere.test>: Relay access denied');
    expect(await c.cmd('RCPT TO:<dave@relaylab.test>')).toMatch(/^250/);
    expect(await c.cmd('QUIT')).toMatch(/^221/);
    c.close();
    const list = await waitFor(async () => (await te.engine.api['sessions.list']({ q: '127.0.0.2' })).find((s) => s.outcome !== 'open'), 5000, 'closed session');
    const s = await te.engine.api['sessions.get']({ sid: list.sid });
    expect(s.summary.net).toBe('public');
    const denied = s.lines.find((l) => l.dir === 'S' && l.line.includes('Relay access denied'));
    expect(denied?.check).toBe('reject_unauth_destination');
  });

  it('answers DATA with 554 5.5.1 when every recipient was refused, 503 5.5.1 outside a transaction', async () => {
    const c = await RawSmtp.connect(te.port('mx'), { localAddress: '127.0.0.2' });
    await c.reply();
    await c.cmd('EHLO client.example');
    expect(await c.cmd('DATA')).toBe('503 5.5.1 Error: need RCPT command');
    await c.cmd('MAIL FROM:<x@example.org>');
    expect(await c.cmd('RCPT TO:<v@elsewhere.test>')).toMatch(/^554 5\.7\.1/);
    expect(await c.cmd('DATA')).toBe('554 5.5.1 Error: no valid recipients');
    c.close();
  });

  it('refuses bare LF in DATA with 550 5.5.2 naming the reason, and the session goes on', async () => {
    const c = await RawSmtp.connect(te.port('mx'));
    await c.reply();
    await c.cmd('EHLO client.example');
    await c.cmd('MAIL FROM:<x@example.org>');
    await c.cmd('RCPT TO:<carol@relaylab.test>');
    expect(await c.cmd('DATA')).toMatch(/^354/);
    c.write('Subject: smuggle\r\n\r\nline one\nMAIL FROM:<evil@example.org>\r\n.\r\n');
    expect(await c.reply()).toMatch(/^550 5\.5\.2 .*bare <LF> received/);
    expect(await c.cmd('NOOP')).toMatch(/^250/);
    c.close();
  });

  it('answers 552 5.3.4 for a message over message_size_limit', async () => {
    const big = 'x'.repeat(76) + '\r\n';
    await expect(mailer(te.port('mx'), { ignoreTLS: true }).sendMail({ from: 'a@example.org', to: 'carol@relaylab.test', text: big.repeat(4000) }))
      .rejects.toMatchObject({ responseCode: 552 });
  });

  it('gives the RFC reply to malformed commands and keeps the session', async () => {
    const c = await RawSmtp.connect(te.port('mx'));
    await c.reply();
    expect(await c.cmd('MAIL FROM:<a@b.example>')).toMatch(/^503/);
    expect(await c.cmd('EHLO client.example')).toMatch(/^250/);
    expect(await c.cmd('BOGUS')).toMatch(/^500/);
    expect(await c.cmd('MAIL FROM:<a b@c>')).toMatch(/^5\d\d/);
    expect(await c.cmd('RCPT TO:<carol@relaylab.test>')).toMatch(/^503/);
    expect(await c.cmd('NOOP')).toMatch(/^250/);
    c.close();
  });

  it('closes with 421 4.7.0 after smtpd_hard_error_limit error replies', async () => {
    const c = await RawSmtp.connect(te.port('mx'), { localAddress: '127.0.0.2' });
    await c.reply();
    await c.cmd('EHLO client.example');
    await c.cmd('MAIL FROM:<x@example.org>');
    let last = '';
    for (let i = 0; i < 20; i++) last = await c.cmd(`RCPT TO:<v${i}@elsewhere.test>`);
    expect(last).toMatch(/^554 5\.7\.1/);
    expect(await c.reply()).toBe('421 4.7.0 mx.relaylab.test Error: too many errors');
    c.close();
  });

  it('accepts XCLIENT from a local client and shows the claimed peer, refuses it from a public one', async () => {
    const c = await RawSmtp.connect(te.port('mx'));
    await c.reply();
    expect(await c.cmd('EHLO lab.example')).toContain('XCLIENT');
    expect(await c.cmd('XCLIENT ADDR=192.0.2.77 NAME=spoofed.example HELO=spoofed.example')).toMatch(/^220/);
    await c.cmd('EHLO spoofed.example');
    await c.cmd('MAIL FROM:<x@example.org>');
    // The claimed client is public: relaying is refused even though the real peer is local.
    expect(await c.cmd('RCPT TO:<v@elsewhere.test>')).toMatch(/^554 5\.7\.1/);
    c.close();
    const p = await RawSmtp.connect(te.port('mx'), { localAddress: '127.0.0.2' });
    await p.reply();
    expect(await p.cmd('EHLO lab.example')).not.toContain('XCLIENT');
    expect(await p.cmd('XCLIENT ADDR=127.0.0.1')).toMatch(/^5\d\d/);
    p.close();
    te.engine.committer.flush(); // the trace is written lazily; make it visible to the API now
    const sessions = await te.engine.api['sessions.list']({ q: '' });
    const xs = [];
    for (const s of sessions) xs.push(...(await te.engine.api['sessions.get']({ sid: s.sid })).events.filter((e) => e.t === 'xclient'));
    expect(xs.some((e) => e.t === 'xclient' && e.real.ip === '127.0.0.1' && e.claimed.ip === '192.0.2.77' && e.claimed.net === 'public')).toBe(true);
  });
});

describe('submission listeners', () => {
  it('a public client gets 530 5.7.0 without AUTH, no AUTH before TLS, and may relay after AUTH over STARTTLS', async () => {
    const c = await RawSmtp.connect(te.port('submission'), { localAddress: '127.0.0.2' });
    await c.reply();
    const ehlo = await c.cmd('EHLO laptop.example');
    expect(ehlo).toContain('STARTTLS');
    expect(ehlo).not.toMatch(/AUTH/);
    expect(await c.cmd('MAIL FROM:<alice@relaylab.test>')).toBe('530 5.7.0 Authentication required');
    await c.starttls();
    expect(await c.cmd('EHLO laptop.example')).toMatch(/AUTH PLAIN LOGIN/);
    expect(await c.cmd(`AUTH PLAIN ${Buffer.from('\0alice\0wrong password').toString('base64')}`)).toMatch(/^535 5\.7\.8/);
    expect(await c.cmd(`AUTH PLAIN ${Buffer.from('\0alice\0correct horse battery').toString('base64')}`)).toMatch(/^235/);
    expect(await c.cmd('MAIL FROM:<alice@relaylab.test>')).toMatch(/^250/);
    expect(await c.cmd('RCPT TO:<friend@remote.test>')).toMatch(/^250/);
    expect(await c.cmd('DATA')).toMatch(/^354/);
    expect(await c.cmd('Subject: via submission\r\n\r\nhi\r\n.')).toMatch(/^250 2\.0\.0 Ok: queued as/);
    c.close();
    // A session that hangs up after STARTTLS (no QUIT) is still seen to close.
    await waitFor(async () => (await te.engine.api['sessions.list']({ q: '127.0.0.2' })).some((x) => x.tls && x.outcome === 'accepted'), 10_000, 'TLS session closed');
    const got = await waitFor(() => sinkMessages.find((m) => m.to.includes('friend@remote.test')), 10_000, 'relayed message');
    expect(got.from).toBe('alice@relaylab.test');
    expect(got.data).toMatch(/with ESMTPSA id/);
    // The password never reaches the trace.
    const rows = te.engine.db.prepare(`SELECT body FROM events WHERE body LIKE '%correct horse%' OR body LIKE ?`)
      .all(`%${Buffer.from('\0alice\0correct horse battery').toString('base64')}%`);
    te.engine.committer.flush();
    expect(rows).toHaveLength(0);
  });

  it('implicit TLS on submissions: nodemailer with AUTH relays', async () => {
    const info = await nodemailer.createTransport({ host: '127.0.0.1', port: te.port('submissions'), secure: true, tls: { rejectUnauthorized: false },
      auth: { user: 'alice', pass: 'correct horse battery' } }).sendMail({ from: 'alice@relaylab.test', to: 'pal@remote.test', subject: 's', text: 'x' });
    expect(info.accepted).toEqual(['pal@remote.test']);
    await waitFor(() => sinkMessages.find((m) => m.to.includes('pal@remote.test')), 10_000, 'relayed message');
  });
});

describe('delivery outcomes', () => {
  it('a 5xx from the next hop fails the recipient and a local sender gets a multipart/report notice', async () => {
    await mailer(te.port('mx'), { ignoreTLS: true }).sendMail({ from: 'erin@relaylab.test', to: 'reject-me@remote.test', subject: 'will bounce', text: 'x' });
    const [file] = await waitFor(() => maildirFiles(te.dataDir, 'relaylab.test', 'erin').length > 0 && maildirFiles(te.dataDir, 'relaylab.test', 'erin'), 10_000, 'DSN');
    const dsn = fs.readFileSync(file as string, 'utf8');
    expect(dsn).toMatch(/^Return-Path: <>\r\n/);
    expect(dsn).toMatch(/multipart\/report; report-type=delivery-status/);
    expect(dsn).toMatch(/Final-Recipient: rfc822; ?reject-me@remote\.test/);
    expect(dsn).toMatch(/Status: 5\.1\.1/);
  });

  it('a failure for an unauthenticated public sender is recorded as suppressed, never sent (no backscatter)', async () => {
    const c = await RawSmtp.connect(te.port('mx'), { localAddress: '127.0.0.2' });
    await c.reply();
    await c.cmd('EHLO outside.example');
    await c.cmd('MAIL FROM:<stranger@outside.example>');
    // fwd.relaylab.test is ours (accepted from anyone) but its transport sends it on to the sink, which refuses reject*.
    expect(await c.cmd('RCPT TO:<reject-x@fwd.relaylab.test>')).toMatch(/^250/);
    await c.cmd('DATA');
    const r = await c.cmd('Subject: x\r\n\r\nbody\r\n.');
    expect(r).toMatch(/^250/);
    c.close();
    const id = /queued as (\S+)/.exec(r)?.[1] as string;
    const ev = await waitFor(() => te.engine.db.prepare(`SELECT body FROM events WHERE type = 'dsn' AND qid = ?`).get(id) as { body: string } | undefined, 10_000, 'dsn decision');
    const dsn = JSON.parse(ev.body);
    expect(dsn.sent).toBe(false);
    expect(dsn.reason).toMatch(/backscatter|public|unauthenticated/i);
    const m = await te.engine.api['messages.get']({ id });
    expect(m.summary.state).toBe('bounced');
    // our conversation with the next hop is in the trace, under the message, line by line
    const said = m.deliveryLines.map((l) => `${l.dir}: ${l.line}`);
    expect(said).toContainEqual(expect.stringMatching(/^C: MAIL FROM:<SRS0=[^>]+@/));
    expect(said).toContainEqual('C: RCPT TO:<reject-x@fwd.relaylab.test>');
    expect(said).toContainEqual(expect.stringMatching(/^S: 550 /));
    expect(new Set(m.deliveryLines.map((l) => l.via))).toEqual(new Set([`127.0.0.1[127.0.0.1]:${sinkPort}`]));
  });

  it('a 4xx defers with backoff; queue.flush retries; queue.hold and queue.release move it', async () => {
    const info = await mailer(te.port('mx'), { ignoreTLS: true }).sendMail({ from: 'frank@relaylab.test', to: 'later@remote.test', subject: 'later', text: 'x' });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const q = await waitFor(async () => (await te.engine.api['queue.list']({ state: 'deferred' })).find((x) => x.id === id), 10_000, 'deferred');
    expect(q.nextAttemptAt).toBeGreaterThan(Date.now() - 1000);
    expect(q.lastError).toMatch(/later@remote\.test/);
    const held = await te.engine.api['queue.hold']({ id });
    expect(held.state).toBe('hold');
    await expect(te.engine.api['queue.flush']({ id })).rejects.toMatchObject({ code: 'QUEUE.BAD_STATE' });
    expect((await te.engine.api['queue.release']({ id })).state).toBe('incoming');
    const m = await waitFor(async () => { const d = await te.engine.api['messages.get']({ id }); return d.deliveries.length >= 2 && d; }, 10_000, 'second attempt');
    expect(m.queueEvents.map((e) => e.to)).toEqual(expect.arrayContaining(['incoming', 'active', 'deferred', 'hold']));
    await te.engine.api['queue.delete']({ id }).catch(async () => {
      await waitFor(async () => (await te.engine.api['messages.get']({ id })).summary.state === 'deferred', 10_000, 'deferred again');
      await te.engine.api['queue.delete']({ id });
    });
  });
});
