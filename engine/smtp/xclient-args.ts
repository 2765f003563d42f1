// XCLIENT attributes as Postfix 3.7 smtpd reads them (xclient_cmd): each NAME=value in order,
// xtext-decoded when that decodes, non-printable characters shown as "?", then checked per
// attribute with Postfix's 501 replies. Gives what the session becomes (HELO name, protocol,
// client name) and the command line for smtp-server's own XCLIENT handler (the attributes it knows).
// Input: one untrusted command line from an authorized proxy. Output: plain values, never throws.
import { literalAddress, smtpdTokens, validHostname } from './address-syntax';
import { xtextDecode } from './esmtp-params';

export interface XclientReply { code: number; status: string; text: string }

/** The session as Postfix has it after this XCLIENT (absent: not given, unchanged). */
export interface XclientClaim {
  /** NAME: the client name as given (case kept), or "unknown" for [UNAVAILABLE]/[TEMPUNAVAIL]. */
  name?: string;
  /** ADDR: the normalised address, or "unknown" for [UNAVAILABLE]. */
  addr?: string;
  /** HELO: the claimed HELO name (Postfix neuters " <>()\\\";@" to "?"); null for [UNAVAILABLE]. */
  helo?: string | null;
  /** PROTO: SMTP or ESMTP. Postfix starts an XCLIENT session as SMTP unless PROTO says otherwise. */
  proto?: 'SMTP' | 'ESMTP';
  /** LOGIN: a SASL user name; null for [UNAVAILABLE] (no login). */
  login?: string | null;
}

export type XclientParse = { ok: true; claim: XclientClaim; forward: string } | { ok: false; reply: XclientReply };

const bad = (text: string): { ok: false; reply: XclientReply } => ({ ok: false, reply: { code: 501, status: '5.5.4', text } });
/** Postfix NEUTER_CHARACTERS: what could break a header or a log line. */
const NEUTER = /[ <>()\\";@]/g;
/** The attributes smtp-server's XCLIENT takes (it refuses the command for any other). */
const FORWARDED = ['NAME', 'ADDR', 'PORT', 'PROTO', 'HELO', 'LOGIN'] as const;

const upper = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());
/** Postfix printable() with UTF-8 on: control characters (and DEL) become "?". */
const printable = (s: string): string => s.replace(/[\x00-\x1f\x7f]/g, '?');
const unavailable = (v: string): boolean => upper(v) === '[UNAVAILABLE]';

/** The HELO name Postfix keeps (helo_cmd, XCLIENT HELO=): control characters and " <>()\\\";@" become "?". */
export function postfixHeloName(given: string): string {
  return printable(given).replace(NEUTER, '?');
}

/** Postfix normalize_mailhost_addr: IPv4, or "IPv6:" + an IPv6 address (bare IPv6 is also taken here). */
function normalAddr(v: string): string | undefined {
  const bare = literalAddress(`[${v}]`) ?? (v.includes(':') ? literalAddress(`[IPv6:${v}]`) : undefined);
  if (bare === undefined) return undefined;
  if (bare.includes(':')) return bare.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return bare.split('.').map(Number).join('.');
}

const validPort = (v: string): boolean => /^[0-9]{1,5}$/.test(v);

/** xtext for smtp-server's decoder (upper-case hex only): "+", "=" and white space escaped. */
function xtext(v: string): string {
  return v.replace(/[+=\s]/g, (c) => `+${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Parse "XCLIENT attr=value ..." (the verb included). Call only when the command has arguments. */
export function parseXclient(line: string): XclientParse {
  const claim: XclientClaim = {};
  const forward = new Map<string, string>();
  for (const token of smtpdTokens(line.replace(/[\r\n]+$/, '')).slice(1)) {
    const eq = token.text.indexOf('=');
    const name = eq < 0 ? token.text : token.text.slice(0, eq);
    const raw = eq < 0 ? '' : token.text.slice(eq + 1);
    if (raw === '') return bad('Error: attribute=value expected');
    if (raw.length > 255) return bad('Error: attribute value too long');
    let value = printable(xtextDecode(raw) ?? raw);
    const key = upper(name);
    switch (key) {
      case 'NAME':
      case 'REVERSE_NAME': {
        const status = upper(value);
        if (status === '[UNAVAILABLE]' || status === '[TEMPUNAVAIL]') {
          if (key === 'NAME') { claim.name = 'unknown'; forward.set(key, status); }
          break;
        }
        if (!validHostname(value)) return bad(`Bad ${key} syntax: ${value}`);
        if (key === 'NAME') { claim.name = value; forward.set(key, value); }
        break;
      }
      case 'ADDR':
      case 'DESTADDR': {
        if (unavailable(value)) {
          if (key === 'ADDR') { claim.addr = 'unknown'; forward.set(key, '[UNAVAILABLE]'); }
          break;
        }
        value = value.replace(NEUTER, '?');
        const addr = normalAddr(value);
        if (addr === undefined) return bad(`Bad ${key} syntax: ${value}`);
        if (key === 'ADDR') { claim.addr = addr; forward.set(key, addr); }
        break;
      }
      case 'PORT':
      case 'DESTPORT':
        if (!unavailable(value) && !validPort(value)) return bad(`Bad ${key} syntax: ${value}`);
        if (key === 'PORT') forward.set(key, unavailable(value) ? '[UNAVAILABLE]' : value);
        break;
      case 'HELO':
        if (unavailable(value)) { claim.helo = null; forward.set(key, '[UNAVAILABLE]'); break; }
        if (value.length > 255) return bad(`Bad HELO syntax: ${value}`);
        claim.helo = postfixHeloName(value);
        forward.set(key, claim.helo);
        break;
      case 'PROTO': {
        const proto = upper(value);
        if (proto !== 'SMTP' && proto !== 'ESMTP') return bad(`Bad PROTO syntax: ${value}`);
        claim.proto = proto;
        forward.set(key, proto);
        break;
      }
      case 'LOGIN':
        claim.login = unavailable(value) ? null : value;
        forward.set(key, unavailable(value) ? '[UNAVAILABLE]' : value);
        break;
      default:
        return bad(`Bad XCLIENT attribute name: ${name}`);
    }
  }
  const args = FORWARDED.filter((k) => forward.has(k)).map((k) => `${k}=${xtext(forward.get(k) as string)}`);
  return { ok: true, claim, forward: `XCLIENT ${args.join(' ')}`.trimEnd() };
}
