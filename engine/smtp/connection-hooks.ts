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
// - a HELO/EHLO notification (smtp-server has no onHelo) and a close notification; the HELO name
//   as Postfix keeps it (case as given, several words as one, " <>()\\\";@" shown as "?") and its
//   "501 Syntax: EHLO hostname".
// - smtpd_helo_required=no: MAIL, RCPT and DATA without HELO/EHLO (smtp-server always says 503).
// - MAIL/RCPT address syntax and ESMTP parameters as Postfix smtpd reads them (address-syntax.ts,
//   esmtp-params.ts), Postfix's order of checks (503, then 501 address, then parameters, then the
//   552 size limit, then the sender restrictions) and its reply texts; Postfix's SIZE/AUTH state
//   kept between MAIL commands until its mail_reset (every smtp-server session reset, or a MAIL
//   the sender restrictions refuse).
// - XCLIENT: Postfix's attribute checks and replies (xclient-args.ts), who may send it (the client
//   as claimed so far must be authorized), and the session starting over for the claimed client:
//   HELO= becomes the HELO name (none without it), PROTO= the protocol (SMTP without it), no SASL
//   login unless LOGIN=; with delay_reject=no the client list runs again and its verdict replaces
//   the 220 (a reject then keeps the session with 503 5.7.0 for every command but QUIT, as at connect).
import { SMTPConnection } from 'smtp-server/lib/smtp-connection';
import { parseAddressCommand, smtpdTokens, type AddressResult, type AddressVerb, type ParsedAddress } from './address-syntax';
import { FRESH_MAIL_STATE, PARAM_REPLIES, type MailParamState } from './esmtp-params';
import { parseXclient, postfixHeloName, type XclientClaim } from './xclient-args';
import type { SMTPServer } from 'smtp-server';
import type net from 'node:net';

export interface ConnectionHooks {
  greetWaitMs: number;
  /** smtpd_hard_error_limit: after this many 4xx/5xx replies, 421 and close. */
  hardErrorLimit: number;
  /** message_size_limit: a MAIL SIZE= above it gets 552 5.3.4 (Postfix smtpd_check_size). */
  messageSizeLimit: number;
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
   * After an authorised XCLIENT, when smtp-server would send its new 220: the session as Postfix
   * has it now (claim: HELO name, protocol, client name), then what runs at connect, for the
   * claimed client. An Error (responseCode; deniedFor = "name[addr]") replaces the 220.
   */
  afterXclient(sid: string, claim: XclientClaim): Promise<(Error & { responseCode?: number; deniedFor?: string }) | null>;
}

type Callback = (...a: unknown[]) => void;
interface Conn {
  id: string;
  remoteAddress: string;
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
  _resetSession(): void;
  _transmissionType(): string;
  handler_HELO(command: Buffer, cb: Callback): void;
  handler_EHLO(command: Buffer, cb: Callback): void;
  handler_DATA(command: Buffer, cb: Callback): void;
  handler_MAIL(command: Buffer, cb: Callback): void;
  handler_RCPT(command: Buffer, cb: Callback): void;
  handler_XCLIENT(command: Buffer, cb: Callback): void;
  _parseAddressCommand(name: string, command: Buffer): ParsedAddress | false;
  _sendGreeting(): void;
  session: {
    envelope: { mailFrom: unknown; rcptTo: unknown[]; smtpUtf8?: boolean };
    user?: unknown;
    hostNameAppearsAs?: string | false;
    openingCommand?: string | false;
    transmissionType?: string;
  };
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
/** smtp-server's EHLO keyword for XCLIENT, and Postfix's (the attributes we take). */
const XCLIENT_EHLO = 'XCLIENT NAME ADDR PORT PROTO HELO LOGIN';
const XCLIENT_EHLO_POSTFIX = 'XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT';
/**
 * Commands smtp-server refuses before HELO/EHLO that Postfix takes: MAIL when HELO is not
 * required; RCPT and DATA always (without a MAIL they get Postfix's own "need MAIL command" /
 * "need RCPT command" from the handlers below, and a MAIL needs HELO when it is required).
 * AUTH keeps needing EHLO, as in Postfix.
 */
const HELOLESS = new Set(['RCPT', 'DATA']);
/** The HELO name smtp-server's own HELO/EHLO handler gets (it keeps one lower-cased word). */
const HELO_STAND_IN = 'helo.stand-in.invalid';
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
    if (Array.isArray(data)) data = data.map((l) => (l === XCLIENT_EHLO ? XCLIENT_EHLO_POSTFIX : l));
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
  let openingBefore: string | false = false;
  conn._onCommand = (command, cb) => {
    openingBefore = conn.openingCommand; // smtp-server overwrites it on HELO/EHLO before the handler runs
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

  // Postfix re-evaluates smtpd_authorized_xclient_hosts for the client as claimed so far: a
  // proxy may send XCLIENT again, a claimed client only if it is itself authorized (an address
  // claimed as [UNAVAILABLE] is "unknown", never authorized; smtp-server keeps the old one).
  let addrUnknown = false;
  const allowed = conn._proxyCommandAllowed.bind(conn);
  conn._proxyCommandAllowed = (command, option) => {
    if (command !== 'XCLIENT') return allowed(command, option);
    return !addrUnknown && h.xclientAllowed(conn.remoteAddress) && conn._isSupported(command);
  };

  // HELO/EHLO as Postfix helo_cmd/ehlo_cmd: "501 Syntax: EHLO hostname" without a name; more
  // words are one name ("a b"); the HELO list run at HELO (delay_reject=no) sees the name as
  // given; the name kept (the HELO list at RCPT, Received) is postfixHeloName's, case kept.
  // smtp-server takes one word only and lower-cases it: it gets a stand-in, replaced after.
  for (const cmd of ['HELO', 'EHLO'] as const) {
    const key = `handler_${cmd}` as const;
    const orig = conn[key].bind(conn);
    conn[key] = (command, cb) => {
      const words = smtpdTokens(command.toString('utf8')).slice(1).map((t) => t.text);
      if (words.length === 0) { conn.send(501, `Syntax: ${cmd} hostname`, false); cb(); return; }
      const given = words.join(' ');
      const kept = postfixHeloName(given);
      const wasOpening = openingBefore;
      h.beforeHelo(conn.id, given, cmd === 'EHLO').then((err) => {
        // a refused HELO/EHLO changes nothing, as in Postfix: the earlier opening command stays
        if (err) { conn.openingCommand = wasOpening; conn.session.openingCommand = wasOpening; conn.send(err.responseCode ?? 554, err.message); cb(); return; }
        orig(Buffer.from(`${cmd} ${HELO_STAND_IN}`), (...a: unknown[]) => {
          if (conn.hostNameAppearsAs === HELO_STAND_IN) {
            conn.hostNameAppearsAs = kept;
            conn.session.hostNameAppearsAs = kept;
            // HELO after EHLO: Postfix's session stays ESMTP (pipelining, "with ESMTP"); smtp-server
            // would make it SMTP. Only XCLIENT PROTO= changes it back.
            if (cmd === 'HELO' && wasOpening === 'EHLO') { conn.openingCommand = 'EHLO'; conn.session.openingCommand = 'EHLO'; }
            h.onHelo(conn.id, kept, cmd === 'EHLO');
          }
          cb(...a);
        });
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

  // Postfix's msg_size and sasl_sender between MAIL commands: cleared by its mail_reset(), which
  // runs where smtp-server resets its session (RSET, HELO/EHLO, XCLIENT, STARTTLS, end of DATA).
  let mailState: MailParamState = { ...FRESH_MAIL_STATE };
  const resetSession = conn._resetSession.bind(conn);
  conn._resetSession = () => {
    mailState = { ...FRESH_MAIL_STATE };
    resetSession();
  };

  // MAIL/RCPT: Postfix's sequence checks first, then its address syntax and ESMTP parameters
  // (address-syntax.ts, esmtp-params.ts); smtp-server's handler runs on the parse we made (only
  // parameters Postfix takes, each once, in values smtp-server's own checks let through).
  let lastParse: { command: Buffer; result: AddressResult } | undefined;
  const parse = (verb: AddressVerb, command: Buffer): AddressResult => {
    if (lastParse?.command === command) return lastParse.result;
    const result = parseAddressCommand(verb, command, {
      myhostname: h.hostname,
      isLocalDomain: (dom) => h.isLocalDomain(conn.id, dom),
      smtputf8: verb === 'RCPT' && !!conn.session.envelope.smtpUtf8,
      mailState,
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
      if (r.mailState) mailState = r.mailState;
      if (!r.ok) { conn.send(r.reply.code, `${r.reply.status} ${r.reply.text}`); cb(); return; }
      if (verb === 'MAIL' && mailState.size > h.messageSizeLimit) {
        const e = PARAM_REPLIES.sizeLimit;
        conn.send(e.code, `${e.status} ${e.text}`);
        cb();
        return;
      }
      const done: Callback = verb === 'RCPT' ? cb : (...a) => {
        // refused by the sender restrictions (delay_reject=no) or the listener: Postfix mail_reset
        if (!conn.session.envelope.mailFrom) mailState = { ...FRESH_MAIL_STATE };
        cb(...a);
      };
      try { orig(command, done); } finally { lastParse = undefined; }
    };
  }

  // XCLIENT (Postfix xclient_cmd): Postfix's checks and replies first, then smtp-server applies
  // the attributes it knows; the session starts over for the claimed client. smtp-server sends
  // its 220 and then releases the parser; we hold both until the connect stage has run.
  const sendGreeting = conn._sendGreeting.bind(conn);
  const xclient = conn.handler_XCLIENT.bind(conn);
  conn.handler_XCLIENT = (command, cb) => {
    const line = command.toString('utf8');
    const answer = (code: number, text: string) => { conn.send(code, text); cb(); };
    if (conn.session.envelope.mailFrom) return answer(503, '5.5.1 Error: MAIL transaction in progress');
    if (smtpdTokens(line).length < 2) return answer(501, '5.5.4 Syntax: XCLIENT attribute=value...');
    if (!conn._proxyCommandAllowed('XCLIENT', 'useXClient')) return answer(550, '5.7.0 Error: insufficient authorization');
    const x = parseXclient(line);
    if (!x.ok) return answer(x.reply.code, `${x.reply.status} ${x.reply.text}`);
    // smtp-server needs one attribute it knows; LOGIN=[UNAVAILABLE] changes nothing there.
    const forward = Buffer.from(x.forward === 'XCLIENT' ? 'XCLIENT LOGIN=[UNAVAILABLE]' : x.forward);
    let verdict: Promise<void> | undefined;
    conn._sendGreeting = () => {
      conn._sendGreeting = sendGreeting;
      startOver(x.claim);
      verdict = h.afterXclient(conn.id, x.claim).then((err) => {
        if (!err) sendGreeting();
        else conn._refuse(err, false); // a deniedFor Error keeps the session (see _refuse above)
      }, () => { conn.send(421, `4.3.0 ${h.hostname} Error: internal error, try again later`); });
    };
    try {
      xclient(forward, (...a: unknown[]) => {
        conn._sendGreeting = sendGreeting;
        if (verdict) void verdict.then(() => cb(...a));
        else cb(...a);
      });
    } catch (e) {
      conn._sendGreeting = sendGreeting; // smtp-server's _onCommand answers 451 for a throwing handler
      throw e;
    }
  };

  /**
   * Postfix after XCLIENT: the HELO name is HELO= or none (smtp-server keeps an earlier one when
   * ADDR= is absent), the protocol PROTO= or SMTP (smtp-server keeps the EHLO it saw: that decides
   * pipelining and "with ESMTP"), and no SASL login unless LOGIN= named one.
   */
  const startOver = (claim: XclientClaim): void => {
    if (claim.addr !== undefined) addrUnknown = claim.addr === 'unknown';
    conn.hostNameAppearsAs = claim.helo ?? false;
    conn.openingCommand = claim.proto === 'ESMTP' ? 'EHLO' : conn.hostNameAppearsAs ? 'HELO' : false;
    if (!claim.login) conn.session.user = false;
    conn.session.hostNameAppearsAs = conn.hostNameAppearsAs;
    conn.session.openingCommand = conn.openingCommand;
    conn.session.transmissionType = conn._transmissionType();
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
