// messages.send: the engine as an SMTP *client* of one of its own listeners, so a composed
// message goes through exactly what any client's would (policy, XCLIENT, TLS, AUTH, the trace).
// Talks only to the listener's own address (a wildcard bind is reached on loopback).
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { LabError } from './errors';
import type { MessagesSendInput, MessagesSendOutput } from './contract';

export interface SendTarget { address: string; port: number; implicitTls: boolean; hostname: string }

class Conversation {
  private buf = '';
  private waiting: (() => void) | null = null;
  private closed = false;
  constructor(public sock: net.Socket | tls.TLSSocket) { this.attach(); }

  private attach(): void {
    this.sock.on('data', (d: Buffer) => { this.buf += d.toString('latin1'); this.waiting?.(); });
    this.sock.on('close', () => { this.closed = true; this.waiting?.(); });
    this.sock.on('error', () => {});
  }

  async reply(timeoutMs = 60_000): Promise<{ code: number; text: string; lines: string[] }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r?\n)*(\d{3})(?: [^\r\n]*)?\r?\n/.exec(this.buf);
      if (m) {
        this.buf = this.buf.slice(m[0].length);
        const lines = m[0].trimEnd().split(/\r?\n/);
        return { code: Number(m[1]), text: lines[lines.length - 1] as string, lines };
      }
      if (this.closed) throw new LabError('SEND.CONNECT_FAILED', 'the listener closed the connection');
      if (Date.now() > end) throw new LabError('SEND.CONNECT_FAILED', 'the listener did not answer in time');
      await new Promise<void>((r) => { this.waiting = r; setTimeout(r, 1000).unref(); });
      this.waiting = null;
    }
  }

  async cmd(line: string): Promise<{ code: number; text: string; lines: string[] }> {
    this.sock.write(`${line}\r\n`);
    return this.reply();
  }

  async startTls(servername: string): Promise<void> {
    const plain = this.sock as net.Socket;
    plain.removeAllListeners('data');
    this.buf = '';
    // Our own listener's certificate (self-signed by default): the point is to exercise TLS, not to trust a CA.
    this.sock = await new Promise<tls.TLSSocket>((res, rej) => {
      const t = tls.connect({ socket: plain, servername, rejectUnauthorized: false }, () => res(t));
      t.once('error', rej);
    });
    this.attach();
  }
}

function connect(t: SendTarget): Promise<net.Socket | tls.TLSSocket> {
  const host = t.address === '0.0.0.0' ? '127.0.0.1' : t.address === '::' ? '::1' : t.address;
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => reject(new LabError('SEND.CONNECT_FAILED', `cannot connect to ${host}:${t.port}: ${e.message}`));
    const s = t.implicitTls
      ? tls.connect({ host, port: t.port, servername: t.hostname, rejectUnauthorized: false }, () => resolve(s))
      : net.connect({ host, port: t.port }, () => resolve(s));
    s.once('error', fail);
    s.setTimeout(120_000, () => s.destroy(new Error('timeout')));
  });
}

/** RFC 5322 message: our minimal headers, the user's extra ones, the text as CRLF lines, dot-stuffing left to send(). */
export function composeMessage(i: MessagesSendInput, hostname: string, now = new Date()): string {
  const lines = [
    `From: ${i.from ?? (i.sender || `MAILER-DAEMON@${hostname}`)}`,
    `To: ${i.recipients.join(', ')}`,
    ...(i.subject !== undefined ? [`Subject: ${i.subject}`] : []),
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${crypto.randomUUID()}@${hostname}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...(i.headers ?? []).map((h) => `${h.name}: ${h.value}`),
  ];
  const body = i.text.replace(/\r\n|\r|\n/g, '\r\n');
  return `${lines.join('\r\n')}\r\n\r\n${body}${body.endsWith('\r\n') ? '' : '\r\n'}`;
}

export async function sendThroughListener(i: MessagesSendInput, t: SendTarget, sidOfLocalPort: (port: number) => Promise<string>): Promise<MessagesSendOutput> {
  const c = new Conversation(await connect(t));
  const localPort = c.sock.localPort ?? 0;
  const done = (accepted: boolean, reply: string, id?: string) => ({ accepted, reply, ...(id ? { id } : {}) });
  const finish = async (r: { accepted: boolean; reply: string; id?: string }): Promise<MessagesSendOutput> => {
    c.sock.write('QUIT\r\n');
    c.sock.end();
    return { sid: await sidOfLocalPort(localPort), ...r };
  };
  try {
    const greet = await c.reply();
    if (greet.code !== 220) return await finish(done(false, greet.text));
    const helo = i.helo ?? 'compose.relaylab.test';
    let ehlo = await c.cmd(`EHLO ${helo}`);
    if (i.xclient) {
      const x = i.xclient;
      const args = [`ADDR=${x.addr}`, ...(x.name ? [`NAME=${x.name}`] : []), ...(x.helo ? [`HELO=${x.helo}`] : []), ...(x.login ? [`LOGIN=${x.login}`] : [])];
      const r = await c.cmd(`XCLIENT ${args.join(' ')}`);
      if (r.code !== 220) return await finish(done(false, r.text));
      ehlo = await c.cmd(`EHLO ${x.helo ?? helo}`);
    }
    if (!t.implicitTls && i.starttls !== false && ehlo.lines.some((l) => /^250[ -]STARTTLS/i.test(l))) {
      const r = await c.cmd('STARTTLS');
      if (r.code !== 220) return await finish(done(false, r.text));
      await c.startTls(t.hostname);
      ehlo = await c.cmd(`EHLO ${helo}`);
    }
    if (i.auth) {
      const token = Buffer.from(`\0${i.auth.user}\0${i.auth.password}`).toString('base64');
      const r = await c.cmd(`AUTH PLAIN ${token}`);
      if (r.code !== 235) return await finish(done(false, r.text));
    }
    const mail = await c.cmd(`MAIL FROM:<${i.sender}>`);
    if (mail.code !== 250) return await finish(done(false, mail.text));
    let last = mail.text;
    let ok = 0;
    for (const r of i.recipients) {
      const rr = await c.cmd(`RCPT TO:<${r}>`);
      last = rr.text;
      if (rr.code === 250 || rr.code === 251) ok++;
    }
    if (ok === 0) return await finish(done(false, last));
    const data = await c.cmd('DATA');
    if (data.code !== 354) return await finish(done(false, data.text));
    const msg = composeMessage(i, t.hostname).replace(/^\./gm, '..');
    c.sock.write(msg);
    const end = await c.cmd('.');
    const id = /queued as (\S+)/.exec(end.text)?.[1];
    return await finish(done(end.code === 250, end.text, id));
  } catch (e) {
    c.sock.destroy();
    throw e;
  }
}
