// Reading a message's header stack as the path it took: Received headers parsed into hops,
// read bottom-up (the oldest hop is the lowest Received), with the delay between hops.
import type { HeaderField } from '../../engine/api/contract';

export interface ReceivedInfo {
  /** What the sending host called itself (HELO/EHLO), from the "from" clause. */
  helo?: string;
  /** Reverse-DNS name the receiving host found for the sender ("unknown" when none). */
  rdns?: string;
  /** Sender IP as seen on the TCP connection. */
  ip?: string;
  /** The receiving host. */
  by?: string;
  /** Software of the receiving host, when stated: "(Postfix)", "(Relay Lab)". */
  software?: string;
  /** The "with" protocol: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA, LMTP, UTF8SMTPS, HTTP, local... */
  protocol?: string;
  /** Queue id at the receiving host. */
  id?: string;
  /** The "for" recipient, when there was exactly one. */
  for?: string;
  /** TLS details from a comment: "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384". */
  tls?: string;
  /** SASL user from "(Authenticated sender: x)". */
  authUser?: string;
  /** Epoch ms of the date after ';', when it parses. */
  at?: number;
  dateText?: string;
}

/** Epoch ms of an RFC 5322 date (a trailing "(CET)" comment is ignored); undefined if unreadable. */
export function parseMailDate(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s.replace(/\([^()]*\)/g, ' ').replace(/\s+/g, ' ').trim());
  return Number.isFinite(t) ? t : undefined;
}

/** The text with every (comment), nested ones included, replaced by a space. */
export function stripComments(s: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && depth > 0) {
      i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += ' ';
    } else if (depth === 0) out += c;
  }
  return out;
}

export function parseReceived(value: string): ReceivedInfo {
  const out: ReceivedInfo = {};
  const semi = value.lastIndexOf(';');
  const stamp = semi >= 0 ? value.slice(0, semi) : value;
  if (semi >= 0) {
    out.dateText = value.slice(semi + 1).trim();
    const at = parseMailDate(out.dateText);
    if (at !== undefined) out.at = at;
  }
  const from = /(?:^|\s)from\s+(\S+)(?:\s+\(([^()]*)\))?/i.exec(stamp);
  if (from) {
    if (!from[1]!.startsWith('(')) out.helo = from[1];
    const tcp = from[2] ?? '';
    const lit = /\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]/.exec(tcp);
    if (lit) out.ip = lit[1];
    const name = tcp.replace(/\[[^\]]*\]/, '').trim();
    if (name) out.rdns = name.split(/\s+/)[0];
  }
  if (!out.ip) {
    const anyLit = /\[(?:IPv6:)?(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+)\]/.exec(stamp);
    if (anyLit) out.ip = anyLit[1];
  }
  // The clauses after "from" are read with every (comment) removed: "(using TLSv1.3 with cipher
  // ...)" must not be taken for the "with" clause. The software comment after "by" is kept aside.
  const flat = stripComments(stamp);
  const by = /(?:^|\s)by\s+([^\s;]+)/i.exec(flat);
  if (by) {
    out.by = by[1];
    const esc = by[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const soft = new RegExp(`by\\s+${esc}\\s+\\(([^()]*)\\)`, 'i').exec(stamp);
    if (soft?.[1] && !/^\s*using\s/i.test(soft[1])) out.software = soft[1].trim();
  }
  const withp = /(?:^|\s)with\s+([A-Za-z0-9_-]+)/i.exec(flat);
  if (withp) out.protocol = withp[1]!.toUpperCase();
  const id = /(?:^|\s)id\s+([^\s;]+)/i.exec(flat);
  if (id) out.id = id[1];
  const forc = /(?:^|\s)for\s+<?([^\s<>;]+@[^\s<>;]+)>?/i.exec(flat);
  if (forc) out.for = forc[1];
  const tls =
    /\(using\s+((?:TLS|SSL)[^()]*?)\s*[()]/i.exec(stamp) ??
    /\(version=(TLS[^\s)]+)[^)]*\)/i.exec(stamp);
  if (tls) out.tls = tls[1]!.trim();
  const auth = /\(Authenticated sender:\s*([^)]+)\)/i.exec(stamp);
  if (auth) out.authUser = auth[1]!.trim();
  return out;
}

/** What the "with" protocol says about the hop, in plain words. */
export function protocolMeaning(p: string | undefined): { tls: boolean | undefined; auth: boolean | undefined; text: string } {
  if (!p) return { tls: undefined, auth: undefined, text: 'protocol not stated' };
  const u = p.toUpperCase();
  const m = /^(E?SMTP|UTF8SMTP|LMTP|ESMTP)(S?)(A?)$/.exec(u) ?? /^(UTF8SMTP|UTF8LMTP)(S?)(A?)$/.exec(u);
  if (m) {
    const tls = m[2] === 'S';
    const auth = m[3] === 'A';
    const base = m[1] === 'SMTP' ? 'plain SMTP (HELO, no extensions)' : m[1] === 'LMTP' ? 'LMTP (local delivery protocol)' : m[1]!.startsWith('UTF8') ? 'SMTP with internationalized addresses' : 'ESMTP (EHLO)';
    return { tls, auth, text: `${base}${tls ? ', encrypted with TLS' : ', not encrypted'}${auth ? ', sender logged in (SMTP AUTH)' : ''}` };
  }
  if (u === 'HTTP' || u === 'HTTPS') return { tls: u === 'HTTPS', auth: undefined, text: 'submitted over a web interface or API' };
  if (u === 'LOCAL') return { tls: undefined, auth: undefined, text: 'handed over locally (no network)' };
  return { tls: undefined, auth: undefined, text: `protocol ${p}` };
}

export interface Hop {
  /** 1 for the oldest (lowest) Received. */
  n: number;
  received: HeaderField;
  info: ReceivedInfo;
  /** Headers between this Received and the one above it: added by this hop (on top of the message). */
  added: HeaderField[];
  /** True for the Received (and headers) this engine prepended. */
  ours: boolean;
  /** Time since the previous hop (or since the Date header for the first hop). */
  delayMs?: number;
}

export interface HopTimeline {
  /** The message as the author's program wrote it: the headers below the lowest Received. */
  origin: { headers: HeaderField[]; at?: number; dateText?: string };
  /** Oldest first (bottom of the header stack first). */
  hops: Hop[];
}

/**
 * headers: top (newest) first, as in the message. headersAdded: names of the fields this engine
 * prepended, which are headers[0..n-1].
 */
export function buildHopTimeline(headers: HeaderField[], headersAdded: string[]): HopTimeline {
  const groups: { received: HeaderField; above: HeaderField[]; index: number }[] = [];
  let above: HeaderField[] = [];
  let lastReceived = -1;
  headers.forEach((h, i) => {
    if (h.name.toLowerCase() === 'received') {
      groups.push({ received: h, above, index: i });
      above = [];
      lastReceived = i;
    } else {
      above.push(h);
    }
  });
  const originHeaders = lastReceived < 0 ? headers.slice() : headers.slice(lastReceived + 1);
  const dateText = originHeaders.find((h) => h.name.toLowerCase() === 'date')?.value;
  const originAt = parseMailDate(dateText);
  const oursCount = headersAdded.length;
  const hops: Hop[] = groups.reverse().map((g, k) => ({
    n: k + 1,
    received: g.received,
    info: parseReceived(g.received.value),
    added: g.above,
    ours: g.index < oursCount,
  }));
  let prev = originAt;
  for (const h of hops) {
    if (h.info.at !== undefined && prev !== undefined) h.delayMs = h.info.at - prev;
    if (h.info.at !== undefined) prev = h.info.at;
  }
  return { origin: { headers: originHeaders, ...(originAt !== undefined ? { at: originAt } : {}), ...(dateText ? { dateText } : {}) }, hops };
}
