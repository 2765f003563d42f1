// One SMTP listener (role mx or submission) on smtp-server: classifies each client, runs the
// restriction lists at each command (connect, HELO, MAIL, RCPT, DATA) and hands the message
// itself to data-phase.ts, which answers 250 only once it is durable. Moderately
// security-sensitive: it talks to anyone who connects, and trusts only `networks` and its SQLite.
import net from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Config, ListenerConfig, NetworkClass } from '../config/schema';
import { defaultRelayFrom } from '../config/schema';
import type { Resolver } from '../dns/resolver.port';
import type { PolicyContext, Stage } from '../policy/types';
import type { Policy } from '../policy/runner';
import type { VirtualAliases } from '../rewrite/aliases';
import type { Srs } from '../srs';
import type { Queue } from '../queue/queue';
import { newQueueId } from '../queue/ids';
import { drain } from '../queue/spool';
import type { SpoolPool } from '../queue/spool-pool';
import type { TraceBus } from '../trace/bus';
import { createDataPhase } from './data-phase';
import { isLoopback, unmapV4, type Classifier } from './network';
import { smtpError, replyFromVerdict } from './reply';
import type { SessionState } from './session';
import type { TlsMaterial } from './tls';
import type { Users } from './users';
import { attachConnectionHooks } from './connection-hooks';
import { createOwnAddresses } from './own-addresses';
import { createSmtpLogger } from './smtp-logger';
import type { XclientClaim } from './xclient-args';

export interface ListenerDeps {
  config: Config;
  listener: ListenerConfig;
  tls: TlsMaterial;
  classify: Classifier;
  resolver: Resolver;
  policy: () => Policy;
  aliases: VirtualAliases;
  /** Where DKIM keys live (<data>/dkim). */
  dkimKeysDir: string;
  /** SRS: bounces to our SRS addresses are checked and reversed at RCPT. */
  srs?: { srs: Srs; domain: string };
  queue: Queue;
  users: Users;
  bus: TraceBus;
  spool: SpoolPool;
}

export interface RunningListener {
  name: string;
  address: string;
  port: number;
  stop(graceMs?: number): Promise<void>;
}

const RDNS_TIMEOUT_MS = 2000;

export async function startListener(d: ListenerDeps): Promise<RunningListener> {
  const { config, listener: lc, bus } = d;
  const relayFrom: readonly NetworkClass[] = lc.relay_from ?? defaultRelayFrom(lc.role);
  const tlsMode = lc.tls ?? 'starttls';
  const sessions = new Map<string, SessionState>();
  const sessionsById = new Map<string, SMTPServerSession>(); // smtp-server's own session objects
  const timeout = lc.timeout ?? config.limits.smtpd_timeout;
  const own = createOwnAddresses(lc.address);

  /**
   * Are we the final destination for this domain (Postfix resolve_local)? Our domains, virtual
   * alias domains, the SRS domain, and an address literal of our own address (the one this
   * client connected to, or the listener's): Postfix's mydestination covers $inet_interfaces.
   * Such a literal only counts while there is a local domain to deliver it to (see onRcptTo).
   */
  const isLocalDomain = (session: SMTPServerSession | undefined, dom: string): boolean => {
    const x = dom.toLowerCase().replace(/\.$/, '');
    if (config.domains.includes(x) || d.aliases.isAliasDomain(x) || x === d.srs?.domain) return true;
    return config.domains.length > 0 && x.startsWith('[') && own.isOwnLiteral(x, session?.localAddress);
  };

  const emitLine = (sid: string, dir: 'C' | 'S', line: string): void => {
    const st = sessions.get(sid);
    const check = dir === 'S' ? st?.replyCheck : undefined;
    if (dir === 'S' && st) st.replyCheck = undefined;
    bus.emit({ t: 'smtp', sid, at: Date.now(), dir, line, ...(check ? { check } : {}) });
  };

  const server = new SMTPServer({
    name: config.hostname,
    banner: 'Relay Lab',
    secure: tlsMode === 'implicit',
    hideSTARTTLS: tlsMode === 'none',
    key: d.tls.key,
    cert: d.tls.cert,
    size: config.limits.message_size_limit,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    // smtpd_tls_auth_only: AUTH only after TLS; mx never offers AUTH (MTA-SEMANTICS §8.5, §8.6).
    allowInsecureAuth: false,
    disabledCommands: lc.role === 'mx' ? ['AUTH'] : [],
    useXClient: true, // narrowed per connection to authorized_xclient_networks in connection-hooks
    disableReverseLookup: true, // we resolve through the engine's resolver in onConnect
    hideENHANCEDSTATUSCODES: false,
    hidePIPELINING: false,
    socketTimeout: timeout,
    closeTimeout: 30_000,
    maxClients: config.limits.smtpd_client_connection_count_limit,
    logger: createSmtpLogger(emitLine) as never,

    onConnect(session, cb) {
      void (async () => {
        const ip = unmapV4(session.remoteAddress);
        const name = await reverseName(d.resolver, ip);
        const st: SessionState = {
          sid: session.id,
          real: { ip, port: session.remotePort, name },
          client: { ip, port: session.remotePort, name, net: d.classify(ip) },
          esmtp: false, txnCount: 0, rcpts: [], effects: [], carry: {}, illegalPipelining: false, xclientSeen: false,
        };
        sessions.set(session.id, st);
        sessionsById.set(session.id, session);
        bus.emit({ t: 'session.open', sid: st.sid, at: Date.now(), listener: lc.name, role: lc.role,
          local: { ip: unmapV4(session.localAddress), port: session.localPort }, peer: st.real, net: st.client.net, tls: tlsMode === 'implicit' });
        const out = await evaluate('connect', session, st);
        if (out) return cb(Object.assign(out, { deniedFor: `${st.client.name}[${st.client.ip}]` }));
        cb();
      })().catch((e: unknown) => cb(internalError(e)));
    },

    onSecure(socket, session, cb) {
      const st = sessions.get(session.id);
      const tls = socket as unknown as { getProtocol(): string | null; getCipher(): { name: string; standardName?: string } };
      const info = { protocol: tls.getProtocol() ?? undefined, cipher: tls.getCipher()?.standardName ?? tls.getCipher()?.name };
      if (st) {
        st.tls = info;
        st.helo = undefined; // RFC 3207 §4.2: forget everything learned before TLS
        st.esmtp = false;
      }
      bus.emit({ t: 'tls', sid: session.id, at: Date.now(), ok: true, ...info });
      cb();
    },

    onAuth(auth: SMTPServerAuthentication, session, cb) {
      const st = sessions.get(session.id);
      if (!st) return cb(smtpError(454, '4.7.0', 'Temporary authentication failure'));
      syncXclient(session, st);
      const user = auth.username ?? '';
      if (auth.method === 'XCLIENT') {
        // XCLIENT LOGIN=: only reachable from authorized_xclient_networks (connection-hooks).
        st.user = user;
        bus.emit({ t: 'auth', sid: st.sid, at: Date.now(), ok: true, method: 'XCLIENT', user });
        return cb(null, { user });
      }
      const keys = [`ip:${st.real.ip}`, `user:${user.toLowerCase()}`];
      const { auth_failure_limit: limit, auth_lockout: lockout } = config.limits;
      if (d.users.lockedOut(keys, limit, lockout)) {
        bus.emit({ t: 'auth', sid: st.sid, at: Date.now(), ok: false, method: auth.method, user, reason: 'locked out after repeated failures' });
        return cb(smtpError(454, '4.7.0', 'Temporary authentication failure'));
      }
      d.users.check(user, auth.password ?? '').then((ok) => {
        if (!ok) {
          d.users.recordFailure(keys, lockout);
          bus.emit({ t: 'auth', sid: st.sid, at: Date.now(), ok: false, method: auth.method, user, reason: 'bad user name or password' });
          return cb(smtpError(535, '5.7.8', 'Error: authentication failed: authentication failure'));
        }
        d.users.clearFailures([`user:${user.toLowerCase()}`]);
        st.user = user;
        bus.emit({ t: 'auth', sid: st.sid, at: Date.now(), ok: true, method: auth.method, user });
        cb(null, { user });
      }, (e: unknown) => cb(internalError(e)));
    },

    onMailFrom(address: SMTPServerAddress, session, cb) {
      void (async () => {
        const st = mustState(session);
        syncXclient(session, st);
        st.rcpts = [];
        st.effects = [];
        const mayRelay = relayFrom.includes(st.client.net) || !!st.user;
        if (lc.role === 'submission' && !mayRelay) return cb(smtpError(530, '5.7.0', 'Authentication required'));
        // The address syntax, the ESMTP parameters and SIZE= against message_size_limit were
        // checked as Postfix does it (connection-hooks → address-syntax.ts, esmtp-params.ts).
        st.txnCount++;
        st.queueId = newQueueId();
        const out = await evaluate('mail', session, st, { sender: address.address });
        if (out) return cb(out);
        cb();
      })().catch((e: unknown) => cb(internalError(e)));
    },

    onRcptTo(address: SMTPServerAddress, session, cb) {
      void (async () => {
        const st = mustState(session);
        // Syntax checked and any source route removed in connection-hooks (address-syntax.ts).
        const rcpt = address.address;
        if (st.rcpts.length >= config.limits.smtpd_recipient_limit) return cb(smtpError(452, '4.5.3', 'Error: too many recipients'));
        const out = await evaluate('rcpt', session, st, { sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', recipient: rcpt });
        if (out) return cb(out);
        let full = rcpt.includes('@') ? rcpt : `${rcpt}@${config.myorigin}`;
        // user@[our own address] is local (Postfix resolve_local). Postfix's local(8) then delivers
        // to the local part whatever the domain; our mailboxes are per domain, so such a recipient
        // goes to the same local part in our first domain (domains[0], the primary one).
        const litAt = full.lastIndexOf('@');
        const lit = full.slice(litAt + 1);
        if (lit.startsWith('[') && isLocalDomain(session, lit) && config.domains[0]) full = `${full.slice(0, litAt)}@${config.domains[0]}`;
        // An empty local part in one of our domains ("<@relaylab.test>", which Postfix accepts) is
        // MAILER-DAEMON, as in Postfix's trivial-rewrite (empty_address_recipient).
        if (full.startsWith('@') && isLocalDomain(session, full.slice(1))) full = `MAILER-DAEMON${full}`;
        // SRS: a bounce to one of our SRS addresses is checked (hash, age) and sent back to the
        // original sender; a bad one is refused now, never bounced (MTA-SEMANTICS §6.2).
        if (d.srs && full.toLowerCase().endsWith(`@${d.srs.domain}`) && d.srs.srs.isSrs(full)) {
          const r = d.srs.srs.reverse(full);
          if (!r.ok) { st.replyCheck = 'srs'; return cb(smtpError(550, '5.1.1', `<${rcpt}>: Recipient address rejected: ${r.error}`)); }
          bus.emit({ t: 'srs', sid: st.sid, at: Date.now(), direction: 'reverse', from: full, to: r.address });
          full = r.address;
        }
        // reject_unlisted_recipient for virtual alias domains: only their listed addresses exist.
        const domain = full.slice(full.lastIndexOf('@') + 1);
        if (rcpt.toLowerCase() !== 'postmaster' && d.aliases.isAliasDomain(domain) && !st.effects.some((e) => e.kind === 'discard')) {
          const known = await d.aliases.exists(full);
          if (known === 'error') { st.replyCheck = 'virtual_alias_maps'; return cb(smtpError(451, '4.3.0', `<${rcpt}>: Temporary lookup failure`)); }
          if (known === 'no') { st.replyCheck = 'reject_unlisted_recipient'; return cb(smtpError(550, '5.1.1', `<${rcpt}>: Recipient address rejected: User unknown in virtual alias table`)); }
        }
        st.rcpts.push({ rcpt: lowerDomain(full), orig: address.address });
        cb();
      })().catch((e: unknown) => cb(internalError(e)));
    },

    // smtp-server's own close hook: it fires for every connection, before or after STARTTLS
    // (a listener on the raw socket is dropped when the connection upgrades).
    onClose(session) {
      const sid = session.id;
      if (!sessions.has(sid)) return;
      sessions.delete(sid);
      sessionsById.delete(sid);
      bus.emit({ t: 'session.close', sid, at: Date.now() });
    },

    onData(stream: SMTPServerDataStream, session, cb) {
      void receive(stream, session).then((r) => cb(r.error ?? null, r.message), (e: unknown) => {
        drain(stream).catch(() => {});
        cb(internalError(e));
      });
    },
  });

  /** Run the restriction lists for an event; an Error (with the SMTP reply) when decisive. */
  const { receive } = createDataPhase({ d, mustState, evaluate: (stage, session, st, extra) => evaluate(stage, session, st, extra) });

  async function evaluate(stage: Stage, session: SMTPServerSession, st: SessionState, extra: { sender?: string; recipient?: string } = {}): Promise<Error | null> {
    const notes: string[] = [];
    const ctx: PolicyContext = {
      stage,
      listener: { name: lc.name, role: lc.role, relayFrom },
      client: st.client,
      helo: st.helo ?? (session.hostNameAppearsAs || undefined),
      esmtp: st.esmtp || session.openingCommand === 'EHLO',
      tls: !!st.tls || !!session.secure,
      saslUser: st.user,
      sender: extra.sender,
      recipient: extra.recipient,
      recipientCount: st.rcpts.length,
      illegalPipelining: st.illegalPipelining,
      isLocalDomain: (dom) => isLocalDomain(session, dom),
      discard: st.effects.some((e) => e.kind === 'discard'),
      carry: st.carry,
      resolver: d.resolver,
      note: (s) => notes.push(s),
    };
    const out = await d.policy().evaluate(stage, ctx);
    if (out.effects) st.effects.push(...out.effects);
    const txn = st.txnCount > 0 ? `${st.sid}.${st.txnCount}` : undefined;
    for (const s of out.steps) {
      bus.emit({ t: 'check', sid: st.sid, txn, at: Date.now(), stage, list: s.list, check: s.check, verdict: s.verdict, detail: s.detail });
    }
    if (out.verdict.kind === 'reject' || out.verdict.kind === 'defer') {
      st.replyCheck = out.decidedBy;
      return replyFromVerdict(out.verdict);
    }
    return null;
  }

  function mustState(session: SMTPServerSession): SessionState {
    const st = sessions.get(session.id);
    if (!st) throw new Error(`no state for session ${session.id}`);
    if (session.hostNameAppearsAs && st.helo !== session.hostNameAppearsAs) {
      st.helo = session.hostNameAppearsAs;
      st.esmtp = session.openingCommand === 'EHLO';
    }
    return st;
  }

  /**
   * After an authorised XCLIENT, policy sees the claimed client; the trace keeps both. With the
   * claim (from afterXclient, each XCLIENT): the client name as Postfix has it (NAME= as given,
   * "unknown" for [UNAVAILABLE]; unchanged without NAME=) and the claimed HELO.
   */
  function syncXclient(session: SMTPServerSession, st: SessionState, claim?: XclientClaim): void {
    const claimedIp = unmapV4(session.remoteAddress);
    if (!claim) {
      if (claimedIp === st.client.ip && !session.xClient?.has('NAME')) return;
      if (st.xclientSeen && claimedIp === st.client.ip) return;
    }
    st.xclientSeen = true;
    const fromSession = session.clientHostname && session.clientHostname !== `[${claimedIp}]` ? session.clientHostname : 'unknown';
    const name = claim ? claim.name ?? st.client.name : fromSession;
    st.client = { ip: claimedIp, port: Number(session.remotePort) || 0, name, net: d.classify(claimedIp) };
    const helo = claim ? claim.helo : session.xClient?.get('HELO');
    const login = session.xClient?.get('LOGIN');
    bus.emit({ t: 'xclient', sid: st.sid, at: Date.now(), real: st.real,
      claimed: { ip: claimedIp, port: st.client.port, name, net: st.client.net, ...(helo ? { helo: String(helo) } : {}), ...(login ? { login: String(login) } : {}) } });
  }

  attachConnectionHooks(server, {
    greetWaitMs: lc.greet_wait,
    hardErrorLimit: config.limits.smtpd_hard_error_limit,
    messageSizeLimit: config.limits.message_size_limit,
    hostname: config.hostname,
    xclientAllowed: (ip) => config.authorized_xclient_networks.includes(d.classify(unmapV4(ip))),
    onHelo: (sid, helo, esmtp) => {
      const st = sessions.get(sid);
      // HELO after EHLO keeps the session ESMTP, as in Postfix (only XCLIENT PROTO= resets it)
      if (st) { st.helo = helo; st.esmtp = esmtp || st.esmtp; }
      bus.emit({ t: 'helo', sid, at: Date.now(), helo, esmtp });
    },
    beforeHelo: async (sid, helo, esmtp) => {
      const st = sessions.get(sid);
      const session = st && sessionsById.get(sid);
      if (!st || !session) return null;
      syncXclient(session, st);
      const before = { helo: st.helo, esmtp: st.esmtp };
      st.helo = helo;
      st.esmtp = esmtp || st.esmtp;
      const err = await evaluate('helo', session, st);
      // A refused HELO leaves the earlier one (if any) in force, as in Postfix (helo_cmd).
      if (err) { st.helo = before.helo; st.esmtp = before.esmtp; }
      return err;
    },
    heloRequired: () => d.policy().heloRequired,
    isLocalDomain: (sid, dom) => isLocalDomain(sessionsById.get(sid), dom),
    afterXclient: async (sid, claim) => {
      const st = sessions.get(sid);
      const session = st && sessionsById.get(sid);
      if (!st || !session) return null;
      // Postfix xclient_cmd: the session starts over for the claimed client: the HELO name is
      // HELO= (or none), the protocol PROTO= (or SMTP), AUTH is gone unless LOGIN= named a user,
      // the defer_if_permit state from before is gone; then the connect stage runs again. The
      // HELO list does not run for HELO= (with delay_reject=yes it runs at RCPT on this name).
      syncXclient(session, st, claim);
      st.helo = claim.helo ?? undefined;
      st.esmtp = claim.proto === 'ESMTP';
      if (!session.user) st.user = undefined;
      st.carry = {};
      if (d.policy().listsAt('connect').length === 0) return null;
      const out = await evaluate('connect', session, st);
      return out ? Object.assign(out, { deniedFor: `${st.client.name}[${st.client.ip}]` }) : null;
    },
    beforeData: async (sid) => {
      const st = sessions.get(sid);
      const session = st && sessionsById.get(sid);
      if (!st || !session) return null;
      return evaluate('data', session, st, { sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '' });
    },
    onPipelining: (sid) => {
      const st = sessions.get(sid);
      if (st) st.illegalPipelining = true;
    },
  });

  await listen(server, lc);
  const addr = server.server.address() as net.AddressInfo;
  return {
    name: lc.name,
    address: addr.address,
    port: addr.port,
    stop: (graceMs = 10_000) => new Promise<void>((resolve) => {
      const t = setTimeout(resolve, graceMs + 1000);
      server.close(() => { clearTimeout(t); resolve(); });
    }),
  };
}

/** Bind, turning EADDRINUSE/EACCES into one clear sentence. */
function listen(server: SMTPServer, lc: ListenerConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const where = `${lc.address}:${lc.port}`;
      const why = e.code === 'EADDRINUSE' ? 'the port is already in use by another program'
        : e.code === 'EACCES' ? `ports below 1024 need root or CAP_NET_BIND_SERVICE (try a port above 1024, or: sudo setcap cap_net_bind_service=+ep $(which node))`
          : e.code === 'EADDRNOTAVAIL' ? 'this machine has no such address' : (e.message ?? String(e));
      const hint = e.code === 'EADDRINUSE' ? `; stop that program or set another port for listener "${lc.name}" in the config` : '';
      const err = new Error(`cannot listen on ${where} (listener "${lc.name}"): ${why}${hint}`);
      (err as NodeJS.ErrnoException).code = e.code;
      reject(err);
    };
    // smtp-server re-emits its net.Server's errors on itself; an unhandled one would crash us.
    let listening = false;
    server.on('error', (e: NodeJS.ErrnoException) => {
      if (!listening) onError(e);
      // later errors are per connection (resets, TLS failures): the session ends, the engine goes on
    });
    server.listen(lc.port, lc.address, () => {
      listening = true;
      resolve();
    });
  });
}

async function reverseName(resolver: Resolver, ip: string): Promise<string> {
  if (isLoopback(ip)) return 'localhost';
  try {
    const names = await Promise.race([resolver.reverse(ip), new Promise<string[]>((_, rej) => setTimeout(() => rej(new Error('timeout')), RDNS_TIMEOUT_MS).unref())]);
    const n = names[0];
    return n && /^[A-Za-z0-9.-]{1,253}$/.test(n) ? n.replace(/\.$/, '') : 'unknown';
  } catch {
    return 'unknown';
  }
}

function lowerDomain(addr: string): string {
  const at = addr.lastIndexOf('@');
  return at < 0 ? addr : `${addr.slice(0, at)}@${addr.slice(at + 1).toLowerCase().replace(/\.$/, '')}`;
}

function internalError(e: unknown): Error {
  console.error('relaylab: internal error in an SMTP session:', e);
  return smtpError(451, '4.3.0', 'Error: internal error, try again later');
}
