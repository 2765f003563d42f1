// The DATA phase of a transaction: stream the message to a spool file through DataFilter,
// refuse what must be refused (size, bare LF/CR, hops, end-of-data lists, authentication),
// apply the access actions (PREPEND, DISCARD, HOLD, REDIRECT, BCC), expand virtual aliases,
// verify or sign, ARC-seal forwarded mail, and make it durable before the 250.
import fs from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { arcSeal, authenticate, decidePolicy, findSigningKey, shouldVerify, signOutgoing, type AuthVerdict } from '../auth';
import type { PolicyEffect, Stage } from '../policy/types';
import { newQueueId } from '../queue/ids';
import { drain, SpoolFile } from '../queue/spool';
import { DataFilter } from './data-filter';
import type { ListenerDeps } from './listener';
import { buildReceived } from './received';
import { smtpError } from './reply';
import type { SessionState } from './session';

export interface DataPhaseDeps {
  d: ListenerDeps;
  mustState(session: SMTPServerSession): SessionState;
  evaluate(stage: Stage, session: SMTPServerSession, st: SessionState, extra?: { sender?: string; recipient?: string }): Promise<Error | null>;
}

/** What the DATA phase applies from the access actions of the transaction (Postfix cleanup flags). */
function messageEffects(effects: readonly PolicyEffect[]) {
  const redirect = [...effects].reverse().find((e) => e.kind === 'redirect');
  return {
    discard: effects.find((e) => e.kind === 'discard'),
    hold: effects.find((e) => e.kind === 'hold'),
    prepends: effects.flatMap((e) => (e.kind === 'prepend' ? [e.header] : [])),
    redirect: redirect?.kind === 'redirect' ? redirect.address : undefined,
    bcc: effects.flatMap((e) => (e.kind === 'bcc' ? [e.address] : [])),
  };
}

/**
 * source → sink, resolved when the sink has everything, rejected on the first error of either
 * (both are then destroyed, as pipeline() does).
 * (stream/promises' pipeline() does the same but makes and aborts an AbortController per call,
 * which costs a DOMException with a stack trace for every message.)
 */
function pipeInto(source: Readable, sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false; // listeners stay: a second error must not become an uncaught one
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      source.unpipe(sink);
      source.destroy();
      sink.destroy();
      reject(e);
    };
    source.on('error', fail);
    sink.on('error', fail);
    sink.once('finish', () => resolve());
    source.pipe(sink);
  });
}

export function createDataPhase(x: DataPhaseDeps) {
  const { d, mustState, evaluate } = x;
  const { config, bus } = d;

  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<{ error?: Error; message?: string }> {
    const st = mustState(session);
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const id = st.queueId ?? newQueueId();
    const txn = `${st.sid}.${st.txnCount}`;
    const fx = messageEffects(st.effects);
    const rcpts = st.rcpts.map((r) => r.rcpt);
    const prepended = fx.prepends.map((h) => `${h.replace(/[\r\n]+/g, ' ')}\r\n`).join('');
    const received = prepended + buildReceived({ helo: st.helo ?? session.hostNameAppearsAs ?? undefined, clientName: st.client.name, clientIp: st.client.ip,
      hostname: config.hostname, esmtp: st.esmtp || session.openingCommand === 'EHLO', smtputf8: !!session.envelope.smtpUtf8, tls: st.tls, authUser: st.user, queueId: id,
      recipients: rcpts, date: new Date() });
    const filter = new DataFilter(config.limits.message_size_limit, config.hostname);
    let opened: SpoolFile | undefined;
    try {
      opened = await SpoolFile.open(await d.spool.take());
      opened.write(received);
      await pipeInto(stream.pipe(filter), opened.sink());
    } catch (e) {
      await drain(stream);
      opened?.discard();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') return { error: smtpError(452, '4.3.1', 'Insufficient system storage') };
      return { error: smtpError(451, '4.3.0', 'Error: queue file write error') };
    }
    let spool = opened;
    const f = filter.facts;
    const refuse = (code: number, status: string, text: string, check?: string) => {
      spool.discard();
      st.replyCheck = check;
      bus.emit({ t: 'message.refused', sid: st.sid, txn, at: Date.now(), code, reply: `${code} ${status} ${text}` });
      return { error: smtpError(code, status, text) };
    };
    if (f.tooBig) return refuse(552, '5.3.4', 'Error: message file too big', 'message_size_limit');
    if (f.bareLf > 0 || f.bareCr > 0) {
      const what = f.bareLf > 0 ? 'bare <LF>' : 'bare <CR>';
      return refuse(550, '5.5.2', `${config.hostname} Error: ${what} received (${f.bareLf} bare LF, ${f.bareCr} bare CR; lines must end in CRLF)`, 'smtpd_forbid_bare_newline');
    }
    if (f.received >= config.limits.hopcount_limit) return refuse(554, '5.4.0', 'Error: too many hops', 'hopcount_limit');
    const eod = await evaluate('end_of_data', session, st, { sender });
    if (eod) {
      spool.discard();
      return { error: eod };
    }
    if (fx.discard) {
      // DISCARD: the client is told it is queued; nothing is kept (Postfix does the same).
      spool.discard();
      bus.emit({ t: 'message.refused', sid: st.sid, txn, at: Date.now(), code: 250, reply: `discarded by ${fx.discard.by ?? 'DISCARD'}: ${fx.discard.text}` });
      st.queueId = undefined;
      return { message: `2.0.0 Ok: queued as ${id}` };
    }
    // Envelope recipients: REDIRECT replaces them all (and is not alias-expanded); BCC adds;
    // virtual_alias_maps rewrites the rest. A lookup error or a limit defers the whole message.
    let recipients = fx.redirect ? [{ rcpt: fx.redirect, orig: fx.redirect }] : [...st.rcpts, ...fx.bcc.map((b) => ({ rcpt: b, orig: b }))];
    if (!fx.redirect) {
      const expanded: { rcpt: string; orig: string }[] = [];
      for (const r of recipients) {
        const e = await d.aliases.expand(r.rcpt);
        if (!e.ok) { spool.discard(); st.replyCheck = 'virtual_alias_maps'; return { error: smtpError(451, e.status, `Error: ${e.reason}`) }; }
        for (const x of e.recipients) expanded.push({ rcpt: x.rcpt, orig: r.orig });
        if (e.steps.length > 0) bus.emit({ t: 'alias', sid: st.sid, txn, at: Date.now(), rcpt: r.rcpt, steps: e.steps, result: e.recipients.map((x) => x.rcpt) });
      }
      const seen = new Set<string>();
      recipients = expanded.filter((r) => { const k = r.rcpt.toLowerCase(); if (seen.has(k)) return false; seen.add(k); return true; });
    }
    // Mail authentication at end of data (issue 4): verify what strangers send, sign what ours send.
    const auth = await authenticateOrSign(spool.path, Buffer.byteLength(received, 'latin1'), session, st, sender, f.from, id, txn);
    if (auth.refuse) return refuse(auth.refuse.code, auth.refuse.status, auth.refuse.text, 'mailauth');
    // Mail from outside that we forward to a foreign domain is ARC-sealed (after our last change
    // to it), so the next hop can see our verdict (MTA-SEMANTICS §4.5, §6.2).
    if (auth.verdict && recipients.some((r) => !isOurs(r.rcpt))) {
      const seal = await sealForForwarding(spool.path, auth.prefix, auth.verdict, id);
      if (seal) { auth.prefix = `${seal}\r\n${auth.prefix}`; auth.added = ['ARC-Seal', 'ARC-Message-Signature', 'ARC-Authentication-Results', ...auth.added]; }
    }
    if (auth.prefix) {
      // Our new headers go above Received (MTA-SEMANTICS §4.6): a fresh spool file, prefix first.
      const fresh = await SpoolFile.open(await d.spool.take());
      try {
        fresh.write(auth.prefix);
        await pipeInto(fs.createReadStream(spool.path), fresh.sink());
      } catch (e) {
        fresh.discard();
        spool.discard();
        throw e;
      }
      spool.discard();
      spool = fresh;
    }
    const file = spool.path;
    const size = spool.size;
    const added = [...auth.added, ...fx.prepends.map((h) => h.slice(0, h.indexOf(':'))), 'Received'];
    // Durable before the 250: the file's data (its directory entry already is: SpoolPool) and the
    // queue rows. The two fsyncs run in parallel; if the rows reach the disk first and we crash,
    // delivery finds a spool file shorter than its row's size and moves the message to corrupt,
    // and since no 250 was sent the client sends it again.
    const rows = d.queue.enqueue({ id, sid: st.sid, txn, sender, recipients, size, spool: file, ...(fx.hold || auth.hold ? { state: 'hold' as const } : {}),
      client: { ip: st.client.ip, name: st.client.name, helo: st.helo, net: st.client.net, authUser: st.user, tls: !!st.tls },
      subject: f.subject, from: f.from, headersAdded: added, headerBlock: auth.prefix + received + f.headerBlock,
      isReport: /multipart\/report/i.test(f.contentType ?? '') && /delivery-status/i.test(f.contentType ?? '') });
    const results = await Promise.allSettled([rows, spool.commit()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      if (results[0].status === 'fulfilled') d.queue.withdraw(id, 'not acknowledged: the spool file could not be made durable');
      else spool.discard();
      const msg = String((failed.reason as Error)?.message ?? failed.reason);
      if (/SQLITE_FULL|ENOSPC|EDQUOT/.test(msg)) return { error: smtpError(452, '4.3.1', 'Insufficient system storage') };
      return { error: smtpError(451, '4.3.0', 'Error: queue file write error') };
    }
    bus.emit({ t: 'message.accepted', sid: st.sid, txn, id, at: Date.now(), sender, rcpts: recipients.map((r) => r.rcpt), size, headersAdded: added });
    st.queueId = undefined;
    return { message: `2.0.0 Ok: queued as ${id}` };
  }

  /**
   * Strangers' mail is verified (SPF, DKIM, DMARC, ARC) and the policy decides; mail from our own
   * users and networks is DKIM-signed when its From domain has a key. Returns the headers to put
   * on top, or the refusal.
   */
  async function authenticateOrSign(file: string, receivedBytes: number, session: SMTPServerSession, st: SessionState, sender: string,
    from: string | undefined, id: string, txn: string): Promise<{ prefix: string; added: string[]; hold?: string; refuse?: { code: number; status: string; text: string }; verdict?: AuthVerdict }> {
    // The message as the client sent it. Each stream is closed when its reader is done (or gave
    // up early, e.g. no key to sign with): an fs stream left unread would keep its descriptor.
    const opened: fs.ReadStream[] = [];
    const asReceived = () => {
      const r = fs.createReadStream(file, { start: receivedBytes });
      r.on('error', () => {}); // a read error surfaces through the reader's own result
      opened.push(r);
      return r;
    };
    try {
      const client = { authenticated: !!st.user, net: st.client.net };
      const a = config.auth;
      if (shouldVerify(client)) {
        const verdict = await authenticate({ message: asReceived(), ip: st.client.ip, helo: st.helo ?? (session.hostNameAppearsAs || ''), sender,
          hostname: config.hostname, resolver: d.resolver },
        { checkHelo: a.check_helo, maxHeaderBytes: a.max_header_bytes, maxDkimSignatures: a.max_dkim_signatures, queryTimeoutMs: a.dns_query_timeout, budgetMs: a.dns_budget });
        const decision = decidePolicy(verdict, a, client);
        bus.emit({ t: 'mailauth', sid: st.sid, txn, id, at: Date.now(), verdict, decision });
        const prefix = `${verdict.headers.authenticationResults}\r\n${verdict.headers.receivedSpf}\r\n`;
        if ((decision.action === 'reject' || decision.action === 'defer') && decision.code && decision.status) {
          return { prefix: '', added: [], refuse: { code: decision.code, status: decision.status, text: decision.text ?? 'Message refused' } };
        }
        return { prefix, added: ['Authentication-Results', 'Received-SPF'], verdict, ...(decision.action === 'hold' ? { hold: decision.text ?? 'DMARC quarantine' } : {}) };
      }
      if (!a.sign || !from) return { prefix: '', added: [] };
      const signed = await signOutgoing({ message: asReceived, fromHeader: from, keysDir: d.dkimKeysDir });
      bus.emit({ t: 'dkim.sign', sid: st.sid, txn, id, at: Date.now(), ...(signed.signed ? { signed: true, d: signed.domain, s: signed.selector, a: signed.algorithm } : { signed: false, reason: signed.reason }) });
      return signed.signed ? { prefix: `${signed.header}\r\n`, added: ['DKIM-Signature'] } : { prefix: '', added: [] };
    } finally {
      for (const r of opened) r.destroy();
    }
  }

  /** Is this recipient delivered here (one of our domains), rather than forwarded? */
  function isOurs(rcpt: string): boolean {
    return config.domains.includes(rcpt.slice(rcpt.lastIndexOf('@') + 1).toLowerCase());
  }

  /** The three ARC headers for a forwarded message, or undefined (no RSA key for our domain: recorded). */
  async function sealForForwarding(file: string, prefix: string, verdict: AuthVerdict, id: string): Promise<string | undefined> {
    const domain = d.srs?.domain ?? config.myorigin;
    const key = findSigningKey(d.dkimKeysDir, domain);
    if (!key) {
      bus.emit({ t: 'arc.seal', id, at: Date.now(), sealed: false, reason: `no key for ${domain} in ${d.dkimKeysDir} (relaylab dkim keygen ${domain} SELECTOR)` });
      return undefined;
    }
    const body = fs.createReadStream(file);
    body.on('error', () => {});
    const message = Readable.from((async function* () { yield Buffer.from(prefix, 'latin1'); yield* body; })());
    const r = await arcSeal({ message, verdict, signingDomain: key.domain, selector: key.selector, privateKey: key.privateKeyPem })
      .finally(() => body.destroy());
    bus.emit({ t: 'arc.seal', id, at: Date.now(), ...(r.sealed ? { sealed: true, instance: r.instance, cv: r.cv, d: key.domain, s: key.selector } : { sealed: false, reason: r.reason }) });
    return r.sealed ? r.headers : undefined;
  }

  return { receive };
}
