// The outbound SMTP client against a real smtp-server on 127.0.0.1 (and a few scripted raw
// servers for the failure shapes smtp-server will not produce).
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import * as selfsigned from 'selfsigned';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSmtpSession, StrayCrLfFilter, type SmtpSession, type SmtpSessionOptions } from '../../engine/delivery/smtp-client';
import type { DeliverableMessage, Dsn } from '../../engine/delivery/types';

interface Received {
  from: string;
  to: string[];
  secure: boolean;
  size: number;
  sha256: string;
  /** first 1 MB only */
  head: Buffer;
}

interface Fake {
  port: number;
  connections: number;
  messages: Received[];
  close(): Promise<void>;
}

type Reply = { code: number; text: string } | undefined;

let tls: { key: string; cert: string };
let work: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'mx.example.test' }], { keySize: 2048, algorithm: 'sha256' });
  tls = { key: pems.private, cert: pems.cert };
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-smtpc-'));
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function smtpError(r: NonNullable<Reply>): Error {
  return Object.assign(new Error(r.text), { responseCode: r.code });
}

async function startServer(o: { rcpt?: (addr: string) => Reply; data?: (s: SMTPServerSession) => Reply; server?: Partial<SMTPServerOptions> } = {}): Promise<Fake> {
  const fake: Fake = { port: 0, connections: 0, messages: [], close: async () => undefined };
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['AUTH'],
    size: 64 * 1024 * 1024,
    key: tls.key,
    cert: tls.cert,
    onConnect(_s, cb) {
      fake.connections++;
      cb();
    },
    onRcptTo(addr, _s, cb) {
      const r = o.rcpt?.(addr.address);
      cb(r ? smtpError(r) : undefined);
    },
    onData(stream, session, cb) {
      const hash = crypto.createHash('sha256');
      const head: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        hash.update(c);
        if (size < 1 << 20) head.push(c);
        size += c.length;
      });
      stream.on('end', () => {
        fake.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          size,
          sha256: hash.digest('hex'),
          head: Buffer.concat(head),
        });
        const r = o.data?.(session);
        cb(r ? smtpError(r) : null);
      });
    },
    ...o.server,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.port = (server.server.address() as net.AddressInfo).port;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  cleanups.push(() => fake.close());
  return fake;
}

let n = 0;
function spool(content: string | Buffer, sender = 'alice@relaylab.test'): DeliverableMessage {
  const spoolPath = path.join(work, `msg-${++n}`);
  fs.writeFileSync(spoolPath, content);
  return { id: `Q${n}`, sender, spoolPath, size: fs.statSync(spoolPath).size, arrivedAt: Date.now() };
}

const lines: { dir: 'C' | 'S'; line: string }[] = [];
function opts(port: number, over: Partial<SmtpSessionOptions> = {}): SmtpSessionOptions {
  lines.length = 0;
  return {
    host: 'mx.example.test',
    ip: '127.0.0.1',
    port,
    heloName: 'relay.relaylab.test',
    connectTimeoutMs: 10_000,
    greetingTimeoutMs: 10_000,
    socketTimeoutMs: 20_000,
    onLine: (dir, line) => lines.push({ dir, line }),
    ...over,
  };
}

async function open(o: SmtpSessionOptions): Promise<SmtpSession> {
  const s = await openSmtpSession(o);
  if ('dsn' in s) throw new Error(`could not open: ${JSON.stringify(s.dsn)}`);
  cleanups.push(() => s.close());
  return s;
}

const body = (subject: string) => `Received: by relay.relaylab.test; Tue, 1 Jan 2030 00:00:00 +0000\r\nFrom: alice@relaylab.test\r\nSubject: ${subject}\r\n\r\nHello.\r\n`;

function byRcpt(m: Map<string, Dsn>) {
  return Object.fromEntries([...m].map(([k, d]) => [k, `${d.action} ${d.status}`]));
}

describe('openSmtpSession + send', () => {
  it('delivers several messages over ONE connection, with STARTTLS, and survives a failed transaction in between', async () => {
    const fake = await startServer({ rcpt: (a) => (a.startsWith('nobody@') ? { code: 550, text: '5.1.1 <' + a + '>: Recipient address rejected: User unknown' } : undefined) });
    const s = await open(opts(fake.port));
    expect(s.tls).toBe(true);

    const r1 = await s.send(spool(body('one')), ['bob@example.test']);
    expect(r1.get('bob@example.test')).toMatchObject({ action: 'delivered', status: '2.0.0', remoteMta: 'dns; mx.example.test' });
    expect(r1.get('bob@example.test')!.diagnostic).toMatch(/^smtp; 250 /);

    const r2 = await s.send(spool(body('all refused')), ['nobody@example.test']);
    expect(byRcpt(r2)).toEqual({ 'nobody@example.test': 'failed 5.1.1' });

    const r3 = await s.send(spool(body('two')), ['carol@example.test', 'dave@example.test']);
    expect(byRcpt(r3)).toEqual({ 'carol@example.test': 'delivered 2.0.0', 'dave@example.test': 'delivered 2.0.0' });
    const r4 = await s.send(spool(body('three'), ''), ['erin@example.test']);
    expect(byRcpt(r4)).toEqual({ 'erin@example.test': 'delivered 2.0.0' });
    expect(s.usable).toBe(true);
    await s.close();

    expect(fake.connections).toBe(1);
    expect(fake.messages.map((m) => [m.from, m.to, m.secure])).toEqual([
      ['alice@relaylab.test', ['bob@example.test'], true],
      ['alice@relaylab.test', ['carol@example.test', 'dave@example.test'], true],
      ['', ['erin@example.test'], true],
    ]);
    expect(fake.messages[0]!.head.toString()).toBe(body('one'));

    // the trace saw the client side of the conversation, both ways
    const c = lines.filter((l) => l.dir === 'C').map((l) => l.line);
    const srv = lines.filter((l) => l.dir === 'S').map((l) => l.line);
    expect(c.slice(0, 3)).toEqual(['EHLO relay.relaylab.test', 'STARTTLS', 'EHLO relay.relaylab.test']);
    expect(c).toContain(`MAIL FROM:<alice@relaylab.test> BODY=8BITMIME SIZE=${Buffer.byteLength(body('one'))}`);
    expect(c).toContain('RSET');
    expect(c).toContain(`MAIL FROM:<> BODY=8BITMIME SIZE=${Buffer.byteLength(body('three'))}`);
    expect(c.at(-1)).toBe('QUIT');
    expect(srv[0]).toMatch(/^220 /);
    expect(srv.some((l) => /^550 5\.1\.1 <nobody@example\.test>/.test(l))).toBe(true);
  });

  it('stays in plaintext when STARTTLS is not offered', async () => {
    const fake = await startServer({ server: { hideSTARTTLS: true } });
    const s = await open(opts(fake.port));
    expect(s.tls).toBe(false);
    const r = await s.send(spool(body('plain')), ['bob@example.test']);
    expect(byRcpt(r)).toEqual({ 'bob@example.test': 'delivered 2.0.0' });
    expect(fake.messages[0]!.secure).toBe(false);
    expect(lines.some((l) => l.line === 'STARTTLS')).toBe(false);
  });

  for (const pipelining of [true, false]) {
    it(`reports each recipient on its own (${pipelining ? 'pipelined' : 'one command at a time'})`, async () => {
      const fake = await startServer({
        server: { hidePIPELINING: !pipelining },
        rcpt: (a) =>
          a.startsWith('bad@') ? { code: 550, text: '5.1.1 <bad@example.test>: Recipient address rejected: User unknown' }
          : a.startsWith('later@') ? { code: 450, text: '4.2.0 <later@example.test>: Recipient address rejected: Greylisted' }
          : undefined,
      });
      const s = await open(opts(fake.port));
      const r = await s.send(spool(body('mixed')), ['good@example.test', 'bad@example.test', 'later@example.test', 'good@example.test']);
      expect(byRcpt(r)).toEqual({ 'good@example.test': 'delivered 2.0.0', 'bad@example.test': 'failed 5.1.1', 'later@example.test': 'delayed 4.2.0' });
      expect(r.get('bad@example.test')!.reason).toMatch(/^host mx\.example\.test\[127\.0\.0\.1\] said: 550 5\.1\.1 .*\(in reply to RCPT TO command\)$/);
      expect(r.get('bad@example.test')!.diagnostic).toBe('smtp; 550 5.1.1 <bad@example.test>: Recipient address rejected: User unknown');
      expect(fake.messages.map((m) => m.to)).toEqual([['good@example.test']]);
      // the session is still good for the next message
      const r2 = await s.send(spool(body('next')), ['good@example.test']);
      expect(byRcpt(r2)).toEqual({ 'good@example.test': 'delivered 2.0.0' });
      expect(fake.connections).toBe(1);
    });
  }

  it('a rejection at end of DATA applies to every accepted recipient, not to those refused at RCPT', async () => {
    let reject: Reply = { code: 554, text: '5.7.1 Message rejected as spam' };
    const fake = await startServer({ rcpt: (a) => (a.startsWith('bad@') ? { code: 550, text: '5.1.1 unknown' } : undefined), data: () => reject });
    const s = await open(opts(fake.port));
    const r = await s.send(spool(body('spam')), ['a@example.test', 'bad@example.test', 'b@example.test']);
    expect(byRcpt(r)).toEqual({ 'a@example.test': 'failed 5.7.1', 'bad@example.test': 'failed 5.1.1', 'b@example.test': 'failed 5.7.1' });
    expect(r.get('a@example.test')!.reason).toMatch(/\(in reply to end of DATA command\)$/);

    reject = { code: 451, text: '4.3.0 Try again later' };
    const r2 = await s.send(spool(body('tempfail')), ['a@example.test']);
    expect(byRcpt(r2)).toEqual({ 'a@example.test': 'delayed 4.3.0' });

    reject = undefined;
    const r3 = await s.send(spool(body('fine')), ['a@example.test']);
    expect(byRcpt(r3)).toEqual({ 'a@example.test': 'delivered 2.0.0' });
    expect(fake.connections).toBe(1);
  });

  it('a 4xx to MAIL FROM defers every recipient', async () => {
    const fake = await startServer({
      server: {
        onMailFrom(_a, _s, cb) {
          cb(smtpError({ code: 451, text: '4.7.1 Sender temporarily refused' }));
        },
      },
    });
    const s = await open(opts(fake.port));
    const r = await s.send(spool(body('x')), ['a@example.test', 'b@example.test']);
    expect(byRcpt(r)).toEqual({ 'a@example.test': 'delayed 4.7.1', 'b@example.test': 'delayed 4.7.1' });
    expect(r.get('a@example.test')!.reason).toMatch(/in reply to MAIL FROM command/);
  });

  it('replaces stray CR and LF with a space on the wire; dot lines survive', async () => {
    const fake = await startServer();
    const s = await open(opts(fake.port));
    const raw = 'Subject: a\rb\r\n\r\nline1\nline2\r\n.dot line\r\n..two dots\r\ncr at end\r';
    await s.send(spool(raw), ['bob@example.test']);
    expect(fake.messages[0]!.head.toString()).toBe('Subject: a b\r\n\r\nline1 line2\r\n.dot line\r\n..two dots\r\ncr at end \r\n');
  });

  it('streams a 20 MB spool file', async () => {
    const fake = await startServer();
    const s = await open(opts(fake.port));
    const file = path.join(work, 'big.eml');
    const out = fs.openSync(file, 'w');
    fs.writeSync(out, 'From: alice@relaylab.test\r\nSubject: big\r\n\r\n');
    const block = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i % 50 === 0 ? `.${'d'.repeat(75)}\r\n` : `${String(i).padStart(6, '0')}${'x'.repeat(70)}\r\n`)).join(''));
    while (fs.fstatSync(out).size < 20 * 1024 * 1024) fs.writeSync(out, block);
    fs.closeSync(out);
    const msg: DeliverableMessage = { id: 'BIG', sender: 'alice@relaylab.test', spoolPath: file, size: fs.statSync(file).size, arrivedAt: Date.now() };
    const r = await s.send(msg, ['bob@example.test']);
    expect(byRcpt(r)).toEqual({ 'bob@example.test': 'delivered 2.0.0' });
    const want = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(fake.messages[0]!.size).toBe(msg.size);
    expect(fake.messages[0]!.sha256).toBe(want);
  });

  it('a missing spool file defers without touching the session', async () => {
    const fake = await startServer();
    const s = await open(opts(fake.port));
    const r = await s.send({ id: 'X', sender: 'a@b.test', spoolPath: path.join(work, 'nope'), size: 1, arrivedAt: 0 }, ['bob@example.test']);
    expect(byRcpt(r)).toEqual({ 'bob@example.test': 'delayed 4.3.0' });
    const r2 = await s.send(spool(body('after')), ['bob@example.test']);
    expect(byRcpt(r2)).toEqual({ 'bob@example.test': 'delivered 2.0.0' });
  });

  it('refuses addresses that could inject commands, per recipient', async () => {
    const fake = await startServer();
    const s = await open(opts(fake.port));
    const r = await s.send(spool(body('x')), ['ok@example.test', 'evil@example.test>\r\nRSET', '']);
    expect(byRcpt(r)).toEqual({ 'ok@example.test': 'delivered 2.0.0', 'evil@example.test>\r\nRSET': 'failed 5.1.3', '': 'failed 5.1.3' });
    const r2 = await s.send(spool(body('x'), 'a@b\r\nRCPT TO:<x@y>'), ['ok@example.test']);
    expect(byRcpt(r2)).toEqual({ 'ok@example.test': 'failed 5.1.7' });
    expect(fake.messages).toHaveLength(1);
  });
});

describe('connection failures are Dsn values', () => {
  it('a refused port → delayed 4.4.1', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = await openSmtpSession(opts(port));
    expect('dsn' in r).toBe(true);
    if ('dsn' in r) {
      expect(r.dsn).toMatchObject({ action: 'delayed', status: '4.4.1', remoteMta: 'dns; mx.example.test' });
      expect(r.dsn.reason).toMatch(/Connection refused/);
    }
  });

  it('a 554 greeting → failed, with the reply as diagnostic', async () => {
    const srv = await rawServer((sock) => sock.end('554 5.7.1 mx.example.test No SMTP service here\r\n'));
    const r = await openSmtpSession(opts(srv.port));
    expect(r).toMatchObject({ dsn: { action: 'failed', status: '5.7.1', diagnostic: 'smtp; 554 5.7.1 mx.example.test No SMTP service here' } });
  });

  it('a server that never greets → delayed (greeting timeout)', async () => {
    const srv = await rawServer(() => undefined);
    const r = await openSmtpSession(opts(srv.port, { greetingTimeoutMs: 300 }));
    expect(r).toMatchObject({ dsn: { action: 'delayed', status: '4.4.2' } });
    if ('dsn' in r) expect(r.dsn.reason).toMatch(/greeting/);
  });

  it('a connection dropped mid-transaction → delayed 4.4.2, and the session is no longer usable', async () => {
    const srv = await rawServer((sock) => {
      sock.write('220 mx.example.test ESMTP\r\n');
      lineReader(sock, (l) => {
        if (/^EHLO/i.test(l)) sock.write('250-mx.example.test\r\n250 8BITMIME\r\n');
        else if (/^MAIL/i.test(l)) sock.write('250 2.1.0 Ok\r\n');
        else if (/^RCPT/i.test(l)) sock.destroy();
      });
    });
    const s = await open(opts(srv.port));
    const r = await s.send(spool(body('x')), ['a@example.test', 'b@example.test']);
    expect(byRcpt(r)).toEqual({ 'a@example.test': 'delayed 4.4.2', 'b@example.test': 'delayed 4.4.2' });
    expect(s.usable).toBe(false);
    const r2 = await s.send(spool(body('y')), ['a@example.test']);
    expect(byRcpt(r2)).toEqual({ 'a@example.test': 'delayed 4.4.2' });
  });

  it('a failed TLS handshake is retried in plaintext (smtp_tls_security_level=may)', async () => {
    let conns = 0;
    const got: string[] = [];
    const srv = await rawServer((sock) => {
      const first = ++conns === 1;
      sock.write('220 mx.example.test ESMTP\r\n');
      lineReader(sock, (l) => {
        got.push(`${conns}:${l}`);
        if (/^EHLO/i.test(l)) sock.write('250-mx.example.test\r\n250 STARTTLS\r\n');
        else if (/^STARTTLS/i.test(l) && first) {
          sock.write('220 2.0.0 Ready to start TLS\r\n');
          sock.removeAllListeners('data');
          sock.once('data', () => sock.write('this is not a TLS record\r\n')); // answer the ClientHello with junk
        }
        else if (/^(MAIL|RCPT)/i.test(l)) sock.write('250 2.1.5 Ok\r\n');
        else if (/^DATA/i.test(l)) sock.write('354 go\r\n');
        else if (l === '.') sock.write('250 2.0.0 Ok: queued as ABC\r\n');
        else if (/^QUIT/i.test(l)) sock.end('221 2.0.0 Bye\r\n');
      });
    });
    const s = await open(opts(srv.port));
    expect(s.tls).toBe(false);
    const r = await s.send(spool(body('x')), ['a@example.test']);
    expect(r.get('a@example.test')).toMatchObject({ action: 'delivered', status: '2.0.0', reason: '250 2.0.0 Ok: queued as ABC' });
    expect(conns).toBe(2);
    expect(got.filter((l) => l.startsWith('2:')).some((l) => l === '2:STARTTLS')).toBe(false);
  });

  it('rejects a HELO name that could inject commands', async () => {
    for (const heloName of ['bad name', 'x\r\nMAIL FROM:<a@b>', 'x\nRSET', '', 'a'.repeat(300)]) {
      await expect(openSmtpSession(opts(1, { heloName }))).rejects.toThrow(/invalid HELO name/);
    }
    await expect(openSmtpSession(opts(1, { ip: 'mx.example.test' }))).rejects.toThrow(/IP address/);
  });
});

describe('StrayCrLfFilter', () => {
  async function run(chunks: string[]): Promise<string> {
    const f = new StrayCrLfFilter();
    const src = new PassThrough();
    const out: Buffer[] = [];
    f.on('data', (c: Buffer) => out.push(c));
    const done = new Promise((r) => f.on('end', r));
    src.pipe(f);
    for (const c of chunks) src.write(Buffer.from(c, 'latin1'));
    src.end();
    await done;
    return Buffer.concat(out).toString('latin1');
  }
  const table: [string[], string][] = [
    [['a\r\nb\r\n'], 'a\r\nb\r\n'],
    [['a\rb'], 'a b'],
    [['a\nb'], 'a b'],
    [['a\r\r\nb'], 'a \r\nb'],
    [['a\n\r\nb'], 'a \r\nb'],
    [['a\r', '\nb'], 'a\r\nb'],
    [['a\r', 'b'], 'a b'],
    [['a\r', '\r', '\n'], 'a \r\n'],
    [['end\r'], 'end '],
    [['\n\r'], '  '],
    [['', 'x'], 'x'],
  ];
  for (const [chunks, want] of table) it(`${JSON.stringify(chunks)} → ${JSON.stringify(want)}`, async () => expect(await run(chunks)).toBe(want));
});

// --- raw scripted servers ------------------------------------------------------------------

async function rawServer(onConn: (sock: net.Socket) => void): Promise<{ port: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    onConn(sock);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port };
}

function lineReader(sock: net.Socket, onLine: (l: string) => void) {
  let buf = '';
  let inData = false;
  sock.on('data', (c: Buffer) => {
    buf += c.toString('latin1');
    let i: number;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (inData) {
        if (l === '.') {
          inData = false;
          onLine('.');
        }
        continue;
      }
      if (/^DATA$/i.test(l)) inData = true;
      onLine(l);
    }
  });
}
