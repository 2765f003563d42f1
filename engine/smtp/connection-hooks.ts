// The few places where smtp-server (3.21.x, pinned) has no option for what Postfix does, bridged
// on each connection object. Each hook names the Postfix behaviour it gives us:
// - greet wait: smtp-server always waits 100 ms before the 220 (an early-talker check). Postfix's
//   postscreen_greet_wait is a setting, off by default; so is ours (greet_wait).
// - XCLIENT only from authorized_xclient_networks (smtpd_authorized_xclient_hosts), by network class.
// - replies whose text starts with an enhanced status (x.y.z) are sent as they are; smtp-server
//   would otherwise prefix a status of its own from a fixed map.
// - AUTH hidden until TLS is up (smtp-server would offer it, then refuse it with 538).
// - a HELO/EHLO notification (smtp-server has no onHelo) and a close notification.
import { SMTPConnection } from 'smtp-server/lib/smtp-connection';
import type { SMTPServer } from 'smtp-server';
import type net from 'node:net';

export interface ConnectionHooks {
  greetWaitMs: number;
  xclientAllowed(realIp: string): boolean;
  onHelo(sid: string, helo: string, esmtp: boolean): void;
  onClose(sid: string): void;
  onPipelining(sid: string): void;
}

type Callback = (...a: unknown[]) => void;
interface Conn {
  id: string;
  remoteAddress: string;
  _originalRemoteAddress?: string;
  _xClient: Map<string, string>;
  hostNameAppearsAs: string | false;
  secure: boolean;
  send(code: number, data?: string | string[], context?: string | false): void;
  connectionReady(next?: () => void): void;
  _setListeners(cb: () => void): void;
  _isSupported(cmd: string): boolean;
  _proxyCommandAllowed(command: string, option: string): boolean;
  handler_HELO(command: Buffer, cb: Callback): void;
  handler_EHLO(command: Buffer, cb: Callback): void;
  on(ev: string, fn: (...a: unknown[]) => void): void;
}
interface InternalServer {
  options: { maxClients?: number };
  connections: Set<unknown>;
  connect(socket: net.Socket, socketOptions: unknown): void;
  _onError(err: unknown): void;
  _onClientConnect(data: unknown): void;
}

const ENHANCED = /^\d\.\d{1,3}\.\d{1,3} /;

export function attachConnectionHooks(server: SMTPServer, h: ConnectionHooks): void {
  const s = server as unknown as InternalServer;
  s.connect = function connect(socket: net.Socket, socketOptions: unknown) {
    const conn = new (SMTPConnection as unknown as new (srv: unknown, sock: net.Socket, opts: unknown) => Conn)(s, socket, socketOptions);
    s.connections.add(conn);
    conn.on('error', (err) => s._onError(err));
    conn.on('connect', (data) => s._onClientConnect(data));
    patch(conn, h, socket);
    conn._setListeners(() => {
      const max = s.options.maxClients;
      if (max && s.connections.size > max) return conn.send(421, 'Too many connected clients, try again in a moment', false);
      if (h.greetWaitMs > 0) setTimeout(() => conn.connectionReady(), h.greetWaitMs).unref();
      else conn.connectionReady();
    });
  };
}

function patch(conn: Conn, h: ConnectionHooks, socket: net.Socket): void {
  const send = conn.send.bind(conn);
  conn.send = (code, data, context) => send(code, data, typeof data === 'string' && ENHANCED.test(data) ? false : context);

  // smtpd_tls_auth_only: AUTH is neither offered nor accepted before TLS.
  const isSupported = conn._isSupported.bind(conn);
  conn._isSupported = (cmd) => (cmd === 'AUTH' && !conn.secure ? false : isSupported(cmd));

  const allowed = conn._proxyCommandAllowed.bind(conn);
  conn._proxyCommandAllowed = (command, option) => {
    if (command !== 'XCLIENT') return allowed(command, option);
    return !conn._xClient.has('ADDR') && h.xclientAllowed(conn._originalRemoteAddress ?? conn.remoteAddress) && conn._isSupported(command);
  };

  for (const cmd of ['HELO', 'EHLO'] as const) {
    const key = `handler_${cmd}` as const;
    const orig = conn[key].bind(conn);
    conn[key] = (command, cb) => orig(command, (...a: unknown[]) => {
      if (conn.hostNameAppearsAs) h.onHelo(conn.id, conn.hostNameAppearsAs, cmd === 'EHLO');
      cb(...a);
    });
  }
  socket.once('close', () => h.onClose(conn.id));
}
