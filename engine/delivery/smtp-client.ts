// smtp-client: one outbound SMTP connection (Postfix smtp(8)) on nodemailer's low-level
// SMTPConnection. Opportunistic STARTTLS, never AUTH, the spool file streamed (stray CR/LF
// made spaces first), one Dsn per recipient, and the connection reusable for a batch of
// messages to the same destination. Talks to the network; every peer answer becomes a Dsn.
import fsp from 'node:fs/promises';
import net from 'node:net';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { classify, replyText, statusOf } from './classify';
import type { DeliverableMessage, Dsn } from './types';

type SmtpError = SMTPConnection.SMTPError;

export interface SmtpSessionOptions {
  /** The next hop's name (SNI, Remote-MTA, reasons). */
  host: string;
  /** The address to connect to (already resolved: no DNS here). */
  ip: string;
  port: number;
  /** EHLO name; validated (no CR, LF or space: GHSA-vvjj-xcjg-gr5g). */
  heloName: string;
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  /** Every protocol line, both ways, AUTH payloads redacted (for the trace). */
  onLine?: (dir: 'C' | 'S', line: string) => void;
  /** false: never STARTTLS (Postfix smtp_tls_security_level=none). Default: opportunistic. */
  starttls?: boolean;
}

export interface SmtpSession {
  readonly host: string;
  readonly ip: string;
  readonly port: number;
  /** STARTTLS succeeded on this connection. */
  readonly tls: boolean;
  /** Still connected and in a known state: fit for another message. */
  readonly usable: boolean;
  /** Send one message to these recipients (all for this destination); one Dsn per recipient. */
  send(msg: DeliverableMessage, rcpts: string[]): Promise<Map<string, Dsn>>;
  /** QUIT and close; waits for sends in flight. */
  close(): Promise<void>;
}

const QUIT_GRACE_MS = 5000;

/**
 * Connect, read the greeting, EHLO, STARTTLS when offered. A failure to get that far is a Dsn
 * (for every recipient of this hop). Throws only on a programming error (bad heloName or ip).
 */
export async function openSmtpSession(o: SmtpSessionOptions): Promise<SmtpSession | { dsn: Dsn }> {
  assertHeloName(o.heloName);
  if (!net.isIP(o.ip)) throw new Error(`openSmtpSession: ip must be an IP address, got ${JSON.stringify(o.ip)}`);
  const tls = o.starttls !== false;
  let r = await connect(o, tls);
  if ('err' in r && tls && isTlsFailure(r.err)) {
    // Postfix smtp_tls_security_level=may: a failed handshake is retried in plaintext.
    r = await connect(o, false);
  }
  if ('err' in r) return { dsn: classify(r.err, o.host, o.ip) };
  return new Session(o, r.conn, r.state);
}

/** RFC 5321 EHLO argument: a domain or an address literal. Anything else throws. */
export function assertHeloName(name: string): void {
  const domain = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
  const literal = /^\[(IPv6:)?[0-9A-Fa-f:.]+\]$/;
  if (typeof name !== 'string' || name.length === 0 || name.length > 255 || !(domain.test(name) || literal.test(name))) {
    throw new Error(`invalid HELO name ${JSON.stringify(name)}: must be a host name or an address literal, without spaces, CR or LF`);
  }
}

interface ConnState {
  lastError: SmtpError | undefined;
}

function connect(o: SmtpSessionOptions, tls: boolean): Promise<{ conn: SMTPConnection; state: ConnState } | { err: SmtpError }> {
  return new Promise((resolve) => {
    const state: ConnState = { lastError: undefined };
    const conn = new SMTPConnection({
      host: o.ip,
      port: o.port,
      secure: false, // never implicit TLS, even on port 465 (Postfix needs smtp_tls_wrappermode for that)
      servername: net.isIP(o.host) ? undefined : o.host,
      name: o.heloName,
      ignoreTLS: !tls,
      // Opportunistic TLS, like Postfix smtp_tls_security_level=may: encrypt when the server
      // offers STARTTLS, carry on in plaintext when it refuses. Certificates are not verified
      // (rejectUnauthorized: false) because MX hosts have no name we can check them against
      // without DANE or MTA-STS, and refusing an unverifiable certificate would only push the
      // message to plaintext, which protects less than unauthenticated encryption does.
      opportunisticTLS: true,
      tls: { rejectUnauthorized: false },
      connectionTimeout: o.connectTimeoutMs,
      greetingTimeout: o.greetingTimeoutMs,
      socketTimeout: o.socketTimeoutMs,
      logger: protocolLogger(o.onLine),
      transactionLog: true,
    });
    // Permanent listener: an 'error' without one would throw out of the event loop.
    conn.on('error', (err: SmtpError) => {
      state.lastError = err;
    });
    let settled = false;
    const done = (r: { conn: SMTPConnection; state: ConnState } | { err: SmtpError }) => {
      if (settled) return;
      settled = true;
      conn.removeListener('end', onEnd);
      resolve(r);
    };
    const onEnd = () => setImmediate(() => done({ err: state.lastError ?? connectionLost() }));
    conn.once('end', onEnd);
    conn.connect((err?: SmtpError) => {
      if (err) {
        conn.close();
        done({ err });
      } else {
        done({ conn, state });
      }
    });
  });
}

class Session implements SmtpSession {
  readonly host: string;
  readonly ip: string;
  readonly port: number;
  private chain: Promise<unknown> = Promise.resolve();
  private dirty = false;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(o: SmtpSessionOptions, private readonly conn: SMTPConnection, private readonly state: ConnState) {
    this.host = o.host;
    this.ip = o.ip;
    this.port = o.port;
  }

  get tls(): boolean {
    return this.conn.secure;
  }

  get usable(): boolean {
    return !this.closing && !this.conn.destroyed;
  }

  send(msg: DeliverableMessage, rcpts: string[]): Promise<Map<string, Dsn>> {
    const run = this.chain.then(() => this.sendNow(msg, rcpts));
    this.chain = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    this.closed ??= this.quit();
    return this.closed;
  }

  private async quit(): Promise<void> {
    this.closing = true;
    await this.chain;
    if (this.conn.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.conn.close(), QUIT_GRACE_MS);
      timer.unref();
      this.conn.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      this.conn.quit();
    });
  }

  private async sendNow(msg: DeliverableMessage, rcpts: string[]): Promise<Map<string, Dsn>> {
    const out = new Map<string, Dsn>();
    const valid: string[] = [];
    for (const r of new Set(rcpts)) {
      if (!r || badAddress(r)) out.set(r, { action: 'failed', status: '5.1.3', reason: `bad recipient address syntax: ${JSON.stringify(r)}` });
      else valid.push(r);
    }
    if (valid.length === 0) return out;
    const all = (d: Dsn) => {
      for (const r of valid) if (!out.has(r)) out.set(r, d);
      return out;
    };
    if (badAddress(msg.sender)) return all({ action: 'failed', status: '5.1.7', reason: `bad sender address syntax: ${JSON.stringify(msg.sender)}` });
    if (!this.usable) return all(classify(this.state.lastError ?? connectionLost(), this.host, this.ip));

    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(msg.spoolPath, 'r');
    } catch (err) {
      return all({ action: 'delayed', status: '4.3.0', reason: `cannot open queue file: ${(err as Error).message}` });
    }
    const source = fh.createReadStream({ autoClose: false });
    try {
      if (this.dirty) {
        // the previous transaction ended in an error: make sure the server's state is clean
        await this.call<boolean>((cb) => this.conn.reset(cb));
        this.dirty = false;
      }
      // the spool file may be tens of MB: it is streamed, never read whole
      const body = pipeline(source, new StrayCrLfFilter(), () => undefined);
      const info = await this.call<SMTPConnection.SentMessageInfo>((cb) =>
        this.conn.send({ from: msg.sender, to: valid, size: msg.size, use8BitMime: true }, body, cb),
      );
      const reply = replyText(info.response);
      const ok: Dsn = { action: 'delivered', status: statusOf(reply, 250), reason: reply, diagnostic: `smtp; ${reply}`, remoteMta: `dns; ${this.host}` };
      for (const e of info.rejectedErrors ?? []) if (e.recipient) out.set(e.recipient, classify(e, this.host, this.ip));
      for (const r of info.accepted) if (!out.has(r)) out.set(r, ok);
      return all(classify(new Error('no reply for this recipient'), this.host, this.ip));
    } catch (e) {
      this.dirty = true;
      const err = e as SmtpError;
      // our side failed in mid-DATA: the server holds half a message; only closing ends it
      if (err.code === 'ESTREAM') this.conn.close();
      if (err.command !== 'MAIL FROM') {
        // recipients refused at RCPT keep their own answer; the rest share the error
        for (const re of err.rejectedErrors ?? envelopeOf(this.conn)?.rejectedErrors ?? []) {
          if (re.recipient && !out.has(re.recipient)) out.set(re.recipient, classify(re, this.host, this.ip));
        }
      }
      return all(classify(err, this.host, this.ip));
    } finally {
      source.destroy();
      await fh.close().catch(() => undefined);
    }
  }

  /**
   * Run one callback-style nodemailer call. A connection that ends without calling back (a
   * RSET cut short) settles with the error that ended it.
   */
  private call<T>(fn: (cb: (err: SmtpError | null | undefined, res?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (err: SmtpError | null | undefined, res?: T) => {
        if (settled) return;
        settled = true;
        this.conn.removeListener('end', onEnd);
        if (err) reject(err);
        else resolve(res as T);
      };
      // deferred: nodemailer emits 'end' before it hands the real error to the callback
      const onEnd = () => setImmediate(() => finish(this.state.lastError ?? connectionLost()));
      this.conn.once('end', onEnd);
      fn(finish);
    });
  }
}

/**
 * Postfix cleanup_replace_stray_cr_lf: every CR or LF that is not part of a CRLF pair becomes
 * a space, so no receiver can read a line end (or an end of DATA) the sender did not mean.
 * Byte-for-byte: the output is exactly as long as the input.
 */
export class StrayCrLfFilter extends Transform {
  /** How many bytes were replaced. */
  replaced = 0;
  private pendingCr = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const n = chunk.length;
    const out = Buffer.allocUnsafe(n + 1);
    let j = 0;
    let i = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (n > 0 && chunk[0] === LF) {
        out[j++] = CR;
        out[j++] = LF;
        i = 1;
      } else {
        out[j++] = SP;
        this.replaced++;
      }
    }
    for (; i < n; i++) {
      const b = chunk[i]!;
      if (b === CR) {
        if (i + 1 === n) {
          this.pendingCr = true; // decided by the next chunk
        } else if (chunk[i + 1] === LF) {
          out[j++] = CR;
          out[j++] = LF;
          i++;
        } else {
          out[j++] = SP;
          this.replaced++;
        }
      } else if (b === LF) {
        out[j++] = SP;
        this.replaced++;
      } else {
        out[j++] = b;
      }
    }
    cb(null, out.subarray(0, j));
  }

  override _flush(cb: TransformCallback): void {
    if (this.pendingCr) {
      this.pendingCr = false;
      this.replaced++;
      cb(null, Buffer.from([SP]));
    } else {
      cb();
    }
  }
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;

/** nodemailer's logger hook: transactionLog records tnx 'client' / 'server' lines. */
function protocolLogger(onLine: SmtpSessionOptions['onLine']) {
  let secretNext = false;
  const emit = (dir: 'C' | 'S', line: string) => {
    try {
      onLine?.(dir, line);
    } catch {
      // a trace consumer must never break a delivery
    }
  };
  const noop = () => undefined;
  return {
    trace: noop,
    info: noop,
    warn: noop,
    error: noop,
    fatal: noop,
    debug: (entry: { tnx?: string } | undefined, message?: unknown) => {
      if (!onLine || typeof message !== 'string') return;
      if (entry?.tnx === 'client') {
        emit('C', secretNext ? '*****' : redactAuth(message));
        secretNext = false;
      } else if (entry?.tnx === 'server') {
        const lines = message.split(/\r?\n/);
        for (const l of lines) emit('S', l);
        secretNext = /^334[ -]/.test(lines[lines.length - 1] ?? '');
      }
    },
  };
}

/** "AUTH PLAIN dXNlcgBwYXNz" → "AUTH PLAIN *****". */
function redactAuth(line: string): string {
  const m = /^(AUTH\s+\S+)\s+\S/i.exec(line);
  return m ? `${m[1]} *****` : line;
}

/** The STARTTLS handshake failed (refused, broken, or stalled), not the connection itself. */
function isTlsFailure(err: SmtpError): boolean {
  return err.code === 'ETLS' || err.timeoutType === 'UPGRADE_TIMEOUT' || /^ERR_(SSL|TLS)_/.test(err.originalCode ?? '');
}

function badAddress(a: string): boolean {
  return /[\x00-\x1f\x7f<>]/.test(a);
}

function connectionLost(): SmtpError {
  const err: SmtpError = new Error('Connection closed unexpectedly');
  err.code = 'ECONNECTION';
  return err;
}

/**
 * The envelope of the transaction in flight. nodemailer keeps the RCPT answers there but does
 * not put them on a DATA-stage error, and DATA rejections must spare recipients already refused
 * at RCPT. Not part of its declared API, hence the narrow cast; absent → only the error is used.
 */
function envelopeOf(conn: SMTPConnection): { rejectedErrors?: SmtpError[] } | undefined {
  const env = (conn as unknown as { _envelope?: unknown })._envelope;
  return env && typeof env === 'object' ? (env as { rejectedErrors?: SmtpError[] }) : undefined;
}
