// MAIL FROM / RCPT TO parsing as Postfix 3.7 smtpd does it with strict_rfc821_envelopes=no
// (smtpd_token, extract_addr, smtpd_check_addr → trivial-rewrite resolve), in place of
// smtp-server's stricter parser. Accepts what Postfix accepts (a bare local part, a trailing dot,
// no angle brackets, "@" inside a quoted local part, "a@b@c", RFC 822 comments and phrases) and
// answers what Postfix answers otherwise. ESMTP parameters are checked after the address, as
// Postfix does (esmtp-params.ts), and come back in smtp-server's shape.
// Input is untrusted client text; the result is a plain value, never an exception.
import { domainToASCII } from 'node:url';
import net from 'node:net';
import { declaresSmtputf8, FRESH_MAIL_STATE, mailParams, rcptParams, type EsmtpArgs, type MailParamState } from './esmtp-params';
import { extractAddress } from './rfc822-address';

export type AddressVerb = 'MAIL' | 'RCPT';

/** smtp-server's parsed address command: what its handlers and onMailFrom/onRcptTo expect. */
export interface ParsedAddress {
  /** The address in internal (unquoted) form, source route removed; '' for MAIL FROM:<>. */
  address: string;
  /** ESMTP parameters Postfix takes, KEY upper-cased, ENVID xtext decoded; a bare keyword is `true`. */
  args: EsmtpArgs | false;
}

export interface AddressReply {
  code: number;
  status: string;
  text: string;
}

/**
 * mailState (MAIL only, once the parameters were read): Postfix's SIZE/AUTH state after this
 * command, kept even when it fails (see MailParamState); absent when the state is unchanged.
 */
export type AddressResult =
  | { ok: true; parsed: ParsedAddress; mailState?: MailParamState }
  | { ok: false; reply: AddressReply; mailState?: MailParamState };

export interface AddressSyntaxOptions {
  /** Postfix $myhostname: what a bare local part is completed with while checking it. */
  myhostname: string;
  /** Are we the final destination for this domain? (trivial-rewrite strips such domains and looks inside.) */
  isLocalDomain?: (domain: string) => boolean;
  /** RCPT only: the transaction's MAIL FROM carried SMTPUTF8 (MAIL reads its own parameters). */
  smtputf8?: boolean;
  /** MAIL only: the SIZE/AUTH state Postfix kept from earlier MAIL commands (default: fresh). */
  mailState?: Readonly<MailParamState>;
}

const SYNTAX: Record<AddressVerb, AddressReply> = {
  MAIL: { code: 501, status: '5.5.4', text: 'Syntax: MAIL FROM:<address>' },
  RCPT: { code: 501, status: '5.5.4', text: 'Syntax: RCPT TO:<address>' },
};
const BAD: Record<AddressVerb, AddressReply> = {
  MAIL: { code: 501, status: '5.1.7', text: 'Bad sender address syntax' },
  RCPT: { code: 501, status: '5.1.3', text: 'Bad recipient address syntax' },
};
const BAD_UTF8: AddressReply = { code: 500, status: '5.5.2', text: 'Error: bad UTF-8 syntax' };

// Engine rules on top of Postfix (MTA-SEMANTICS §8.2, and smtp-server's own guard): no control or
// invisible formatting characters (header and log injection), no white space or angle brackets
// in the internal form (it is written unquoted into queue files, headers and onward RCPT TO), and
// RFC 5321 §4.5.3.1 sizes: local part 64, domain 255, path 256.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u200b\u2060\ufeff]/;
const UNQUOTABLE = /[\s<>]/;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 255;
const MAX_PATH = 256;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parse one MAIL or RCPT command line (the whole line, verb included). */
export function parseAddressCommand(verb: AddressVerb, line: Buffer | string, opts: AddressSyntaxOptions): AddressResult {
  let text: string;
  if (typeof line === 'string') text = line;
  else {
    try { text = fatalUtf8.decode(line); } catch { return { ok: false, reply: BAD_UTF8 }; }
  }
  const argv = smtpdTokens(text.replace(/[\r\n]+$/, ''));
  const keyword = verb === 'MAIL' ? 'from:' : 'to:';
  if (argv.length < 3 || argv[1]!.text.toLowerCase() !== keyword) return { ok: false, reply: SYNTAX[verb] };
  const target = argv[2]!;
  if (target.unterminated) return { ok: false, reply: BAD[verb] };

  // The address first (with SMTPUTF8 read early, as Postfix does), then the parameters in order.
  const words = argv.slice(3).map((t) => t.text);
  const smtputf8 = verb === 'MAIL' ? declaresSmtputf8(words) : !!opts.smtputf8;

  const address = extractAddress(target.text);
  if (address === undefined) return { ok: false, reply: BAD[verb] };
  if (address === '') {
    if (verb === 'RCPT') return { ok: false, reply: BAD[verb] };
  } else if (!acceptable(address, opts, smtputf8)) {
    return { ok: false, reply: BAD[verb] };
  }
  if (verb === 'RCPT') {
    const p = rcptParams(words);
    return p.ok ? { ok: true, parsed: { address, args: p.args } } : { ok: false, reply: p.reply };
  }
  const p = mailParams(words, opts.mailState ?? FRESH_MAIL_STATE);
  return p.ok ? { ok: true, parsed: { address, args: p.args }, mailState: p.state } : { ok: false, reply: p.reply, mailState: p.state };
}

// ------------------------------------------------------------------ the command tokenizer

interface CmdToken { text: string; unterminated: boolean }

/**
 * Postfix smtpd_token: words split on white space, except inside "..." and <...> (which nest
 * and honour backslash escapes); a word ending in "from:" or "to:" ends there, so
 * "FROM:<a@b>" is two tokens. An unclosed quote or bracket marks its token unterminated.
 */
export function smtpdTokens(line: string): CmdToken[] {
  const out: CmdToken[] = [];
  let i = 0;
  while (i < line.length) {
    let text = '';
    let unterminated = false;
    while (i < line.length) {
      const c = line[i]!;
      i++;
      if (isSpace(c)) {
        while (i < line.length && isSpace(line[i]!)) i++;
        if (text.length > 0) break;
      } else if (c === '<' || c === '"') {
        const q = quoted(line, i, c, c === '<' ? '>' : '"');
        text += q.text;
        i = q.end;
        if (!q.closed) unterminated = true;
      } else if (c === ':') {
        text += c;
        const low = text.toLowerCase();
        if (low === 'to:' || low === 'from:') break;
      } else if (c === '\\') {
        text += c;
        if (i < line.length) text += line[i++];
      } else {
        text += c;
      }
    }
    if (text.length > 0) out.push({ text, unterminated });
  }
  return out;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\v' || c === '\f';
}

/** From just after an opening `open`, up to its matching `close` ("..." inside <...> nests). */
function quoted(s: string, from: number, open: string, close: string): { text: string; end: number; closed: boolean } {
  const want: string[] = [close];
  let text = open;
  let i = from;
  while (i < s.length) {
    const c = s[i++]!;
    text += c;
    if (c === '\\') {
      if (i >= s.length) break;
      text += s[i++];
    } else if (c === want[want.length - 1]) {
      want.pop();
      if (want.length === 0) return { text, end: i, closed: true };
    } else if (c === '"') {
      want.push('"');
    } else if (c === '<' && want[want.length - 1] === '>') {
      want.push('>');
    }
  }
  return { text, end: i, closed: false };
}

// ------------------------------------------------------------------ smtpd_check_addr

/** Would Postfix take this (non-empty, internal-form) address? Plus the engine's sanity rules. */
function acceptable(address: string, opts: AddressSyntaxOptions, smtputf8: boolean): boolean {
  if (UNSAFE.test(address) || UNQUOTABLE.test(address)) return false;
  const at = address.lastIndexOf('@');
  if (address.length > MAX_PATH) return false;
  if (at >= 0 && (at > MAX_LOCAL || address.length - at - 1 > MAX_DOMAIN)) return false;
  if (at < 0 && address.length > MAX_LOCAL) return false;
  const resolved = resolvedAddress(address, opts);
  const domain = resolved.slice(resolved.lastIndexOf('@') + 1);
  if (!validMailDomain(domain)) return false;
  // smtpd_check_addr: without SMTPUTF8, a non-ASCII domain is refused (the local part may be 8-bit).
  return smtputf8 || /^[\x00-\x7f]*$/.test(domain);
}

/**
 * trivial-rewrite resolve_addr, as far as syntax checking needs it: strip one trailing dot, strip
 * domains we are the final destination for and look at what they route to (a@b, b!a, a%b), give
 * an empty local part the MAILER-DAEMON name and a bare one @myhostname. Returns user@domain.
 */
export function resolvedAddress(address: string, opts: Pick<AddressSyntaxOptions, 'myhostname' | 'isLocalDomain'>): string {
  const isLocal = opts.isLocalDomain ?? (() => false);
  let cur = address;
  let saved: string | undefined;
  for (let n = 0; n < address.length + 100; n++) {
    if (cur.includes('@') && cur.endsWith('.') && !cur.endsWith('..') && !cur.endsWith('@.')) cur = cur.slice(0, -1);
    const at = cur.lastIndexOf('@');
    if (at >= 0) {
      const dom = cur.slice(at + 1);
      if (dom !== '' && !isLocal(dom)) return cur;
      saved = cur.slice(at);
      cur = cur.slice(0, at);
    }
    if (cur.includes('@')) continue;
    const bang = cur.indexOf('!');
    if (bang >= 0) { cur = `${cur.slice(bang + 1)}@${cur.slice(0, bang)}`; continue; }
    const pct = cur.lastIndexOf('%');
    if (pct >= 0) { cur = `${cur.slice(0, pct)}@${cur.slice(pct + 1)}`; continue; }
    if (cur === '') { cur = 'MAILER-DAEMON'; continue; }
    if (saved === undefined) { cur = `${cur}@${opts.myhostname}`; continue; }
    break;
  }
  return cur.includes('@') ? cur : `${cur}${saved ?? `@${opts.myhostname}`}`;
}

/** A resolved domain Postfix takes: a host name (IDN allowed, as Postfix with smtputf8_enable) or an address literal. */
export function validMailDomain(domain: string): boolean {
  if (domain.startsWith('[')) return literalAddress(domain) !== undefined;
  if (/^[\x00-\x7f]*$/.test(domain)) return validHostname(domain);
  const ascii = domainToASCII(domain);
  return ascii !== '' && validHostname(ascii);
}

/** Postfix valid_hostname: labels of letters, digits, "_" and inner "-", ≤ 63 each, ≤ 255 in all, not all-numeric. */
export function validHostname(name: string): boolean {
  if (name === '' || name.length > 255) return false;
  let numeric = true;
  for (const label of name.split('.')) {
    if (label === '' || label.length > 63) return false;
    if (!/^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(label)) return false;
    if (!/^\d+$/.test(label)) numeric = false;
  }
  return !numeric;
}

/** "[192.0.2.1]" → "192.0.2.1", "[IPv6:2001:db8::1]" → "2001:db8::1"; undefined if not a valid address literal. */
export function literalAddress(domain: string): string | undefined {
  const close = domain.indexOf(']');
  if (!domain.startsWith('[') || close !== domain.length - 1) return undefined;
  const inner = domain.slice(1, -1);
  if (/^ipv6:/i.test(inner)) {
    const v6 = inner.slice(5);
    return !v6.includes('%') && net.isIPv6(v6) ? v6 : undefined;
  }
  return validIpv4(inner) ? inner : undefined;
}

/** Postfix valid_ipv4_hostaddr: four decimal octets ≤ 255 (leading zeros allowed); 0.x.y.z only as 0.0.0.0. */
function validIpv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return false;
  return Number(parts[0]) !== 0 || parts.every((p) => Number(p) === 0);
}
