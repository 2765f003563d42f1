// classify: turns whatever a delivery attempt threw (a nodemailer error, a socket error,
// anything) into the one outcome record, a Dsn. Postfix smtp_trouble.c in spirit:
// 5xx reply → failed, 4xx reply or a network fault → delayed, and the reason text reads like
// Postfix's ("host mx[ip] said: … (in reply to RCPT TO command)").
import type { Dsn } from './types';

/** The fields nodemailer puts on its errors (NodemailerError), read defensively. */
interface ErrorShape {
  message: string;
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  timeoutType?: string;
}

/** A remote reply is peer-controlled: keep the report readable and bounded. */
const MAX_REPLY = 1000;

export function classify(err: unknown, host?: string, ip?: string): Dsn {
  const e = shapeOf(err);
  const remoteMta = host ? `dns; ${oneLine(host)}` : undefined;
  const peer = host ? `${oneLine(host)}${ip && ip !== host ? `[${ip}]` : ''}` : ip ? `[${ip}]` : 'the remote host';
  const withMta = (d: Dsn): Dsn => (remoteMta ? { ...d, remoteMta } : d);

  if (typeof e.responseCode === 'number' && e.responseCode >= 200 && e.responseCode < 600 && e.response) {
    const reply = replyText(e.response);
    const status = statusOf(reply, e.responseCode);
    const action = e.responseCode >= 500 ? 'failed' : 'delayed';
    const cmd = commandPhrase(e);
    const reason = cmd ? `host ${peer} said: ${reply} (in reply to ${cmd})` : `host ${peer} refused to talk to me: ${reply}`;
    return withMta({ action, status, reason, diagnostic: `smtp; ${reply}` });
  }

  // nodemailer's own code says which step failed; for a socket error the system code it
  // replaced (originalCode: ECONNREFUSED, ECONNRESET…) says what happened.
  const code = e.code === 'ESOCKET' || e.code === 'ECONNECTION' ? (e.originalCode ?? e.code) : e.code;
  const local = (status: string, action: Dsn['action'], reason: string): Dsn =>
    withMta({ action, status, reason, diagnostic: `X-Postfix; ${reason}` });

  if (code && /^ERR_(SSL|TLS)_/.test(code)) {
    return local('4.7.5', 'delayed', `Cannot start TLS with ${peer}: ${clip(e.message)}`);
  }
  switch (code) {
    case 'ECONNREFUSED':
      return local('4.4.1', 'delayed', `connect to ${peer}: Connection refused`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return local('4.4.1', 'delayed', `connect to ${peer}: ${code === 'EHOSTUNREACH' ? 'No route to host' : 'Network is unreachable'}`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNECTION':
    case 'ESOCKET':
      return local('4.4.2', 'delayed', `lost connection with ${peer}${e.command && e.command !== 'CONN' ? ` while sending ${e.command}` : ''}: ${clip(e.message)}`);
    case 'ETIMEDOUT':
      // Not yet connected: the host is unreachable (4.4.1). Connected and then silent: the
      // conversation timed out (4.4.2), as Postfix reports it.
      return e.timeoutType === 'CONNECT_TIMEOUT' || e.timeoutType === undefined
        ? local('4.4.1', 'delayed', `connect to ${peer}: Connection timed out`)
        : local('4.4.2', 'delayed', `conversation with ${peer} timed out${timeoutWhile(e.timeoutType)}`);
    case 'EDNS':
      return local('4.4.3', 'delayed', `Host or domain name lookup failure for ${peer}: ${clip(e.message)}`);
    case 'ETLS':
      return local('4.7.5', 'delayed', `Cannot start TLS with ${peer}: ${clip(e.message)}`);
    case 'EPROTOCOL':
      return local('4.5.0', 'delayed', `protocol error with ${peer}: ${clip(e.message)}`);
    case 'EMESSAGE':
      // no reply code: nodemailer refused before sending (SIZE advertised smaller than the message)
      if (/size/i.test(e.message)) return local('5.3.4', 'failed', `message size exceeds the limit of ${peer}: ${clip(e.message)}`);
      return local('4.0.0', 'delayed', clip(e.message));
    case 'EENVELOPE':
      // no reply code: nodemailer refused the address before sending it (CR, LF, < or >)
      return local('5.1.3', 'failed', `bad address syntax: ${clip(e.message)}`);
    case 'ESTREAM':
      return local('4.3.0', 'delayed', `cannot read the queue file: ${clip(e.message)}`);
    default:
      return local('4.0.0', 'delayed', clip(e.message || 'unknown delivery error'));
  }
}

/** A multi-line reply as one line, the way Postfix reports it ("550-… 550 …"). */
export function replyText(response: string): string {
  return clip(response.replace(/\r?\n/g, ' ').trim());
}

/**
 * The RFC 3463 status of a reply: its enhanced code when present (with the class forced to
 * agree with the reply code, as Postfix does), else x.0.0.
 */
export function statusOf(reply: string, responseCode: number): string {
  const cls = String(responseCode).charAt(0);
  const m = /^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})(?:\s|$)/.exec(reply);
  if (m) return `${cls}.${m[2]}.${m[3]}`;
  return `${cls}.0.0`;
}

function commandPhrase(e: ErrorShape): string | undefined {
  switch (e.command) {
    case undefined:
    case 'CONN':
      return undefined;
    case 'DATA':
      return e.code === 'EMESSAGE' ? 'end of DATA command' : 'DATA command';
    default:
      return `${oneLine(e.command)} command`;
  }
}

function timeoutWhile(t: string | undefined): string {
  if (t === 'GREETING_TIMEOUT') return ' while receiving the initial server greeting';
  if (t === 'UPGRADE_TIMEOUT') return ' while performing the TLS handshake';
  return '';
}

function shapeOf(err: unknown): ErrorShape {
  if (err && typeof err === 'object') {
    const o = err as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    return {
      message: str('message') ?? String(err),
      code: str('code'),
      originalCode: str('originalCode'),
      response: str('response'),
      responseCode: typeof o.responseCode === 'number' ? o.responseCode : undefined,
      command: str('command'),
      timeoutType: str('timeoutType'),
    };
  }
  return { message: String(err) };
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

function clip(s: string): string {
  const t = oneLine(s);
  return t.length > MAX_REPLY ? `${t.slice(0, MAX_REPLY)}…` : t;
}
