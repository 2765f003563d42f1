// The few places where smtp-server (3.21.x, pinned) has no option for what Postfix does, bridged
// on each connection object. Each hook names the Postfix behaviour it gives us:
// - greet wait: smtp-server always waits 100 ms before the 220 (an early-talker check). Postfix's
//   postscreen_greet_wait is a setting, off by default; so is ours (greet_wait).
// - XCLIENT only from authorized_xclient_networks (smtpd_authorized_xclient_hosts), by network class.
// - replies whose text starts with an enhanced status (x.y.z) are sent as they are; smtp-server
//   would otherwise prefix a status of its own from a fixed map.
// - illegal pipelining (RFC 2920; Postfix smtpd.c): input already waiting when a command that
//   must end a pipeline group is read (HELO, EHLO, DATA, NOOP, VRFY; any command before EHLO).
//   smtp-server's parser hides its buffer, so we count bytes in and bytes consumed around it.
// - smtpd_hard_error_limit: 421 4.7.0 and close after too many error replies.
// - AUTH hidden until TLS is up (smtp-server would offer it, then refuse it with 538).
// - smtpd_data_restrictions before the 354, and Postfix's DATA sequence replies.
// - a HELO/EHLO notification (smtp-server has no onHelo) and a close notification.
// - smtpd_helo_required=no: MAIL, RCPT and DATA without HELO/EHLO (smtp-server always says 503).
// - MAIL/RCPT address syntax as Postfix smtpd parses it (address-syntax.ts), Postfix's order of
//   checks (503 before 501) and its reply texts.
// - XCLIENT: Postfix starts the session over for the claimed client, so with delay_reject=no the
//   client list runs again and its verdict replaces the 220 (a reject then keeps the session with
//   503 5.7.0 for every command but QUIT, as at connect).
import { SMTPConnection } from 'smtp-server/lib/smtp-connection';
import { parseAddressCommand, type AddressResult, type AddressVerb, type ParsedAddress } from './address-syntax';
import type { SMTPServer } from 'smtp-server';
import type net from 'node:net';

export interface ConnectionHooks {
  greetWaitMs: number;
  /** smtpd_hard_error_limit: after this many 4xx/5xx replies, 421 and close. */
  hardErrorLimit: number;
  hostname: string;
  xclientAllowed(realIp: string): boolean;
  onHelo(sid: string, helo: string, esmtp: boolean): void;
  onPipelining(sid: string): void;
  /** smtpd_helo_restrictions when they run at HELO (delay_reject no): an Error refuses it. */
  beforeHelo(sid: string, helo: string, esmtp: boolean): Promise<(Error & { responseCode?: number }) | null>;
  /** smtpd_data_restrictions, before the 354: an Error (with responseCode) refuses DATA. */
  beforeData(sid: string): Promise<(Error & { responseCode?: number }) | null>;
  /** smtpd_helo_required (read at each command: the policy can change while running). */
  heloRequired(): boolean;
  /** Are we the final destination for this domain, for this session (the address it connected to)? */
  isLocalDomain(sid: string, domain: string): boolean;
  /**
   * After an authorised XCLIENT, when smtp-server would send its new 220: what runs at connect,
   * for the claimed client. An Error (responseCode; deniedFor = "name[addr]") replaces the 220.
   */
  afterXclient(sid: string): Promise<(Error & { responseCode?: number; deniedFor?: string }) | null>;
}

type Callback = (...a: unknown[]) => void;
interface Conn {
  id: string;
  remoteAddress: string;
  _originalRemoteAddress?: string;
  _xClient: Map<string, string>;
  hostNameAppearsAs: string | false;
  openingCommand: string | false;
  secure: boolean;
  _parser: Parser | false;
  _createParser(): Parser;
  send(code: number, data?: string | string[], context?: string | false): void;
  connectionReady(next?: () => void): void;
  _setListeners(cb: () => void): void;
  _isSupported(cmd: string): boolean;
  _proxyCommandAllowed(command: string, option: string): boolean;
  _refuse(err: Error & { responseCode?: number }, context?: string | false): void;
  _onCommand(command: Buffer, cb: () => void): void;
  _ready: boolean;
  handler_HELO(command: Buffer, cb: Callback): void;
  handler_EHLO(command: Buffer, cb: Callback): void;
  handler_DATA(command: Buffer, cb: Callback): void;
  handler_MAIL(command: Buffer, cb: Callback): void;
  handler_RCPT(command: Buffer, cb: Callback): void;
  handler_XCLIENT(command: Buffer, cb: Callback): void;
  _parseAddressCommand(name: string, command: Buffer): ParsedAddress | false;
  _sendGreeting(): void;
  session: { envelope: { mailFrom: unknown; rcptTo: unknown[]; smtpUtf8?: boolean } };
  on(ev: string, fn: (...a: unknown[]) => void): void;
}
interface Parser {
  _dataMode: boolean;
  _write(chunk: Buffer, enc: BufferEncoding, next: (e?: Error) => void): void;
  oncommand(line: Buffer, cb: () => void): void;
  startDataMode(maxBytes?: number): unknown;
}
interface InternalServer {
  options: { maxClients?: number };
  connections: Set<unknown>;
  connect(socket: net.Socket, socketOptions: unknown): void;
  _onError(err: unknown): void;
  _onClientConnect(data: unknown): void;
}

const ENHANCED = /^\d\.\d{1,3}\.\d{1,3} /;
/**
 * Commands smtp-server refuses before HELO/EHLO that Postfix takes: MAIL when HELO is not
 * required; RCPT and DATA always (without a MAIL they get Postfix's own "need MAIL command" /
 * "need RCPT command" from the handlers below, and a MAIL needs HELO when it is required).
 * AUTH keeps needing EHLO, as in Postfix.
 */
const HELOLESS = new Set(['RCPT', 'DATA']);
/** What smtp-server's "HELO seen?" test sees while a HELO-less command passes it (never kept). */
const NO_HELO = '\0no-helo';

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
  let errors = 0;
  conn.send = (code, data, context) => {
    send(code, data, typeof data === 'string' && ENHANCED.test(data) ? false : context);
    if (code >= 400 && code !== 421 && ++errors === h.hardErrorLimit) {
      send(421, `4.7.0 ${h.hostname} Error: too many errors`, false); // smtp-server closes after a 421
    }
  };

  // delay_reject no, client list rejects at connect (Postfix smtpd.c): the reject replaces the
  // 220 greeting, the session stays open, and every command but QUIT gets 503 5.7.0. (421/521
  // still close.) smtp-server would send the reject and close.
  const refuse = conn._refuse.bind(conn);
  let deniedFor: string | undefined;
  conn._refuse = (err, context) => {
    const e = err as Error & { responseCode?: number; deniedFor?: string };
    const code = e.responseCode ?? 554;
    if (!e.deniedFor || code === 421 || code === 521) { refuse(err, context); return; }
    deniedFor = e.deniedFor;
    conn.send(code, e.message, false);
    conn._ready = true;
  };
  const onCommand = conn._onCommand.bind(conn);
  conn._onCommand = (command, cb) => {
    const verb = command.toString('latin1', 0, 12).trim().split(/\s/)[0]?.toUpperCase() ?? '';
    if (deniedFor !== undefined && verb !== 'QUIT') {
      conn.send(503, `5.7.0 Error: access denied for ${deniedFor}`);
      cb();
      return;
    }
    // smtpd_helo_required=no: smtp-server tests hostNameAppearsAs synchronously before it calls
    // the handler; a stand-in lets the command through and is gone before anything else runs.
    const stand = !conn.hostNameAppearsAs && (HELOLESS.has(verb) || (verb === 'MAIL' && !h.heloRequired()));
    if (stand) conn.hostNameAppearsAs = NO_HELO;
    try {
      onCommand(command, cb);
    } finally {
      if (stand && conn.hostNameAppearsAs === NO_HELO) conn.hostNameAppearsAs = false;
    }
  };

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
    conn[key] = (command, cb) => {
      const arg = command.toString('utf8').trim().split(/\s+/)[1] ?? '';
      const run = () => orig(command, (...a: unknown[]) => {
        if (conn.hostNameAppearsAs) h.onHelo(conn.id, conn.hostNameAppearsAs, cmd === 'EHLO');
        cb(...a);
      });
      if (!arg) { run(); return; } // smtp-server answers the syntax error itself
      h.beforeHelo(conn.id, arg, cmd === 'EHLO').then((err) => {
        if (!err) return run();
        conn.send(err.responseCode ?? 554, err.message);
        cb();
      }, () => { conn.send(451, '4.3.0 Error: internal error, try again later'); cb(); });
    };
  }

  // Postfix runs smtpd_data_restrictions at DATA, before the 354; smtp-server has no hook there.
  const data = conn.handler_DATA.bind(conn);
  conn.handler_DATA = (command, cb) => {
    const env = conn.session.envelope;
    if (env.mailFrom && env.rcptTo.length === 0) { conn.send(554, '5.5.1 Error: no valid recipients'); cb(); return; }
    if (!env.mailFrom) { conn.send(503, '5.5.1 Error: need RCPT command'); cb(); return; }
    h.beforeData(conn.id).then((err) => {
      if (!err) return data(command, cb);
      conn.send(err.responseCode ?? 554, err.message);
      cb();
    }, () => { conn.send(451, '4.3.0 Error: internal error, try again later'); cb(); });
  };

  // MAIL/RCPT: Postfix's sequence checks first, then its address syntax (address-syntax.ts);
  // smtp-server's handler runs on the parse we made (parameters as smtp-server reads them).
  let lastParse: { command: Buffer; result: AddressResult } | undefined;
  const parse = (verb: AddressVerb, command: Buffer): AddressResult => {
    if (lastParse?.command === command) return lastParse.result;
    const result = parseAddressCommand(verb, command, {
      myhostname: h.hostname,
      isLocalDomain: (dom) => h.isLocalDomain(conn.id, dom),
      smtputf8: verb === 'RCPT' && !!conn.session.envelope.smtpUtf8,
    });
    lastParse = { command, result };
    return result;
  };
  conn._parseAddressCommand = (name, command) => {
    const r = parse(/^mail/i.test(name.trim()) ? 'MAIL' : 'RCPT', command);
    return r.ok ? r.parsed : false;
  };
  for (const verb of ['MAIL', 'RCPT'] as const) {
    const key = `handler_${verb}` as const;
    const orig = conn[key].bind(conn);
    conn[key] = (command, cb) => {
      const inTxn = !!conn.session.envelope.mailFrom;
      if (verb === 'MAIL' && inTxn) { conn.send(503, '5.5.1 Error: nested MAIL command'); cb(); return; }
      if (verb === 'RCPT' && !inTxn) { conn.send(503, '5.5.1 Error: need MAIL command'); cb(); return; }
      const r = parse(verb, command);
      if (!r.ok) { conn.send(r.reply.code, `${r.reply.status} ${r.reply.text}`); cb(); return; }
      try { orig(command, cb); } finally { lastParse = undefined; }
    };
  }

  // XCLIENT (Postfix xclient_cmd): the session starts over for the claimed client. smtp-server
  // sends its 220 and then releases the parser; we hold both until the connect stage has run.
  const sendGreeting = conn._sendGreeting.bind(conn);
  const xclient = conn.handler_XCLIENT.bind(conn);
  conn.handler_XCLIENT = (command, cb) => {
    let verdict: Promise<void> | undefined;
    conn._sendGreeting = () => {
      conn._sendGreeting = sendGreeting;
      verdict = h.afterXclient(conn.id).then((err) => {
        if (!err) sendGreeting();
        else conn._refuse(err, false); // a deniedFor Error keeps the session (see _refuse above)
      }, () => { conn.send(421, `4.3.0 ${h.hostname} Error: internal error, try again later`); });
    };
    try {
      xclient(command, (...a: unknown[]) => {
        conn._sendGreeting = sendGreeting;
        if (verdict) void verdict.then(() => cb(...a));
        else cb(...a);
      });
    } catch (e) {
      conn._sendGreeting = sendGreeting; // smtp-server's _onCommand answers 451 for a throwing handler
      throw e;
    }
  };

  if (conn._parser) watchPipelining(conn._parser, conn, () => h.onPipelining(conn.id));
  const createParser = conn._createParser.bind(conn); // STARTTLS makes a new parser
  conn._createParser = () => {
    const p = createParser();
    watchPipelining(p, conn, () => h.onPipelining(conn.id));
    return p;
  };
}

const GROUP_END = new Set(['HELO', 'EHLO', 'DATA', 'NOOP', 'VRFY']);

function watchPipelining(parser: Parser, conn: Conn, flag: () => void): void {
  let bytesIn = 0; // bytes the parser got while reading commands
  let consumed = 0; // bytes of the command lines it handed on (+2 for CRLF; a bare LF only undercounts)
  const write = parser._write.bind(parser);
  parser._write = (chunk, enc, next) => {
    if (!parser._dataMode) bytesIn += chunk.length;
    write(chunk, enc, next);
  };
  const oncommand = parser.oncommand.bind(parser);
  parser.oncommand = (line, cb) => {
    consumed += line.length + 2;
    const verb = line.toString('latin1', 0, 12).split(' ')[0]?.toUpperCase() ?? '';
    if (bytesIn > consumed && (GROUP_END.has(verb) || conn.openingCommand !== 'EHLO')) flag();
    oncommand(line, cb);
  };
  const startDataMode = parser.startDataMode.bind(parser);
  parser.startDataMode = (maxBytes) => {
    const dataStream = startDataMode(maxBytes);
    consumed = bytesIn; // what follows in this chunk is message data, not waiting commands
    return dataStream;
  };
}
