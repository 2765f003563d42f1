// A raw SMTP client for tests that must send exact bytes (bare LF, pipelining, bad syntax):
// send a line, read the complete reply (multi-line aware).
import net from 'node:net';
import tls from 'node:tls';

export class RawSmtp {
  private buf = '';
  private waiters: Array<() => void> = [];
  private constructor(private sock: net.Socket | tls.TLSSocket) { this.attach(sock); }

  static async connect(port: number, o: { host?: string; localAddress?: string; tls?: boolean } = {}): Promise<RawSmtp> {
    const host = o.host ?? '127.0.0.1';
    const sock = o.tls
      ? tls.connect({ port, host, rejectUnauthorized: false, ...(o.localAddress ? { localAddress: o.localAddress } : {}) })
      : net.connect({ port, host, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
    await new Promise<void>((res, rej) => { sock.once(o.tls ? 'secureConnect' : 'connect', () => res()); sock.once('error', rej); });
    return new RawSmtp(sock);
  }

  private attach(sock: net.Socket | tls.TLSSocket): void {
    sock.on('data', (d: Buffer) => { this.buf += d.toString('latin1'); for (const w of this.waiters.splice(0)) w(); });
    sock.on('close', () => { for (const w of this.waiters.splice(0)) w(); });
    sock.on('error', () => {});
  }

  /** Read one complete reply; returns its lines joined by \n. */
  async reply(timeoutMs = 10_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\r\n)*\d{3}(?: [^\n]*)?\r\n/.exec(this.buf);
      if (m) { this.buf = this.buf.slice(m[0].length); return m[0].trimEnd().replace(/\r\n/g, '\n'); }
      if (this.sock.destroyed && !this.buf) return '';
      if (Date.now() > end) throw new Error(`no reply; buffer: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
  }

  write(raw: string | Buffer): void { this.sock.write(raw); }

  async cmd(line: string): Promise<string> {
    this.sock.write(`${line}\r\n`);
    return this.reply();
  }

  async starttls(): Promise<void> {
    const r = await this.cmd('STARTTLS');
    if (!r.startsWith('220')) throw new Error(`STARTTLS refused: ${r}`);
    const plain = this.sock as net.Socket;
    plain.removeAllListeners('data');
    this.sock = await new Promise<tls.TLSSocket>((res, rej) => {
      const t = tls.connect({ socket: plain, rejectUnauthorized: false }, () => res(t));
      t.once('error', rej);
    });
    this.attach(this.sock);
  }

  close(): void { this.sock.destroy(); }
}
