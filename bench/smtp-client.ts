// A minimal SMTP client for load: plain SMTP, one command at a time (no PIPELINING), no TLS.
// It speaks only to the engine under test on loopback. Unexpected replies are thrown as errors
// carrying the server's reply, so a broken run says why.
import net from 'node:net';

export interface Reply { code: number; text: string }

const IDLE_TIMEOUT_MS = 60_000;

export class SmtpConn {
  private buf = '';
  private lines: string[] = [];
  private replies: Reply[] = [];
  private waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private failure: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setEncoding('latin1');
    sock.setNoDelay(true);
    sock.setTimeout(IDLE_TIMEOUT_MS, () => sock.destroy(new Error('no reply from the server within 60 s')));
    sock.on('data', (d: string) => this.onData(d));
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  /** Connect, read the greeting and say EHLO. */
  static async open(port: number, helo: string): Promise<SmtpConn> {
    const sock = net.connect({ host: '127.0.0.1', port });
    const c = new SmtpConn(sock);
    await c.expect(220, 'greeting');
    await c.cmd(`EHLO ${helo}`, 250);
    return c;
  }

  async cmd(line: string, code: number): Promise<Reply> {
    this.sock.write(`${line}\r\n`);
    return this.expect(code, line);
  }

  /** Send a whole DATA body (already dot-stuffed, ending in CRLF.CRLF) and wait for its reply. */
  async sendData(body: Buffer, code: number): Promise<Reply> {
    this.sock.write(body);
    return this.expect(code, 'end of data');
  }

  async quit(): Promise<void> {
    try { await this.cmd('QUIT', 221); } catch { /* closing anyway */ }
    this.sock.destroy();
  }

  close(): void {
    this.sock.destroy();
  }

  private async expect(code: number, what: string): Promise<Reply> {
    const r = await this.next();
    if (r.code !== code) throw new Error(`after ${what}: expected ${code}, got "${r.code} ${r.text}"`);
    return r;
  }

  private next(): Promise<Reply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private onData(d: string): void {
    this.buf += d;
    let i: number;
    while ((i = this.buf.indexOf('\r\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      this.lines.push(line);
      if (line.length <= 3 || line[3] === ' ') {
        const reply = { code: Number(line.slice(0, 3)), text: this.lines.map((l) => l.slice(4)).join('\n') };
        this.lines = [];
        const w = this.waiting.shift();
        if (w) w.resolve(reply); else this.replies.push(reply);
      }
    }
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }
}

/** One transaction; returns ms from MAIL FROM sent to the 250 after DATA. */
export async function sendOne(c: SmtpConn, from: string, to: string, body: Buffer): Promise<number> {
  const t0 = performance.now();
  await c.cmd(`MAIL FROM:<${from}>`, 250);
  await c.cmd(`RCPT TO:<${to}>`, 250);
  await c.cmd('DATA', 354);
  await c.sendData(body, 250);
  return performance.now() - t0;
}

/** A message of about `size` bytes of body, as DATA wire bytes (CRLF lines, no leading dots). */
export function makeMessage(size: number, from: string, to: string): Buffer {
  const head = [`From: <${from}>`, `To: <${to}>`, 'Subject: relaylab bench', `Date: ${new Date().toUTCString()}`,
    `Message-ID: <bench.${process.pid}.${Date.now()}@bench.relaylab.test>`, ''];
  const line = 'The quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnopqrst';
  const body: string[] = [];
  for (let n = 0; n < size; n += line.length + 2) body.push(line);
  return Buffer.from(`${[...head, ...body].join('\r\n')}\r\n.\r\n`, 'latin1');
}
