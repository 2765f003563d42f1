// SRS0/SRS1 rewriting with postsrsd's (libsrs2) semantics, MTA-SEMANTICS §6.1:
//   forward  user@orig.dom               → SRS0=HHHH=TT=orig.dom=user@<srs domain>
//   forward  SRS0=HHHH=TT=d=u@hop1.dom   → SRS1=GGGG=hop1.dom==HHHH=TT=d=u@<srs domain>
//   forward  SRS1=GGGG=hop1==...@hop2    → SRS1=<new hash>=hop1==...@<srs domain> (first hop kept)
//   reverse  SRS0 → check stamp (≤ maxAge days) and hash → user@orig.dom
//   reverse  SRS1 → check hash → SRS0...@hop1.dom (back to the first forwarder)
// The first secret signs, every secret verifies. Values, not exceptions: a bad address is a result.
import { encodeStamp, hashMatches, srsHash, stampValid } from './codec';

export interface SrsOptions {
  /** One or more secrets; the first signs, all verify (rotation). */
  secrets: readonly string[];
  /** Our SRS domain: the domain rewritten addresses get. */
  domain: string;
  /** Senders at these domains are never rewritten (they are ours). */
  localDomains?: readonly string[];
  /** Rewrite even senders already at the SRS domain (postsrsd always-rewrite). */
  alwaysRewrite?: boolean;
  hashLength?: number;
  hashMin?: number;
  maxAgeDays?: number;
  /** Separator written after SRS0/SRS1 ('=' default; '+' and '-' are accepted on input always). */
  separator?: '=' | '+' | '-';
  /** Clock, unix seconds (tests pin it). */
  now?: () => number;
}

export type SrsForward =
  | { rewritten: true; address: string; kind: 'SRS0' | 'SRS1' }
  | { rewritten: false; address: string; reason: string };

export type SrsReverseError = 'not-srs' | 'syntax' | 'hash' | 'expired';
export type SrsReverse =
  | { ok: true; address: string; kind: 'SRS0' | 'SRS1' }
  | { ok: false; code: SrsReverseError; error: string };

export interface Srs {
  forward(sender: string, aliasDomain?: string): SrsForward;
  reverse(address: string): SrsReverse;
  isSrs(address: string): boolean;
}

const TAG = /^(SRS[01])[=+-]/i;
const MAX_LOCAL = 64;

function split(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

export function createSrs(o: SrsOptions): Srs {
  const secrets = o.secrets.filter((s) => s.length > 0);
  if (secrets.length === 0) throw new Error('SRS needs at least one secret');
  if (!o.domain) throw new Error('SRS needs a domain');
  const hashLength = o.hashLength ?? 4;
  const hashMin = o.hashMin ?? 4;
  const maxAge = o.maxAgeDays ?? 21;
  const sep = o.separator ?? '=';
  const now = o.now ?? (() => Date.now() / 1000);
  const srsDomain = o.domain.toLowerCase();
  const local = new Set((o.localDomains ?? []).map((d) => d.toLowerCase()));
  const sign = (fields: string[]) => srsHash(secrets[0] as string, fields).slice(0, hashLength);
  const verify = (given: string, fields: string[]) => given.length >= hashMin && secrets.some((s) => hashMatches(given, srsHash(s, fields)));

  function forward(sender: string, aliasDomain = o.domain): SrsForward {
    const keep = (reason: string): SrsForward => ({ rewritten: false, address: sender, reason });
    if (!sender) return keep('null sender');
    const parts = split(sender);
    if (!parts) return keep('sender has no domain');
    const domain = parts.domain.toLowerCase();
    if (local.has(domain)) return keep(`${domain} is one of our domains`);
    if (domain === srsDomain && !o.alwaysRewrite) return keep(`sender is already at the SRS domain ${srsDomain}`);
    const tag = TAG.exec(parts.local)?.[1]?.toUpperCase();
    let address: string;
    let kind: 'SRS0' | 'SRS1';
    if (tag === 'SRS0') {
      // Re-forwarding a first-hop address: keep its host and everything after "SRS0".
      const user = parts.local.slice(4);
      address = `SRS1${sep}${sign([parts.domain, user])}=${parts.domain}=${user}@${aliasDomain}`;
      kind = 'SRS1';
    } else if (tag === 'SRS1') {
      const m = /^SRS1[=+-]([^=]*)=([^=]*)=(.*)$/is.exec(parts.local);
      if (!m || !m[2] || !m[3]) return keep('malformed SRS1 sender');
      const host = m[2], user = m[3]; // user keeps its leading '=' (the SRS0 separator)
      address = `SRS1${sep}${sign([host, user])}=${host}=${user}@${aliasDomain}`;
      kind = 'SRS1';
    } else {
      const stamp = encodeStamp(now());
      address = `SRS0${sep}${sign([stamp, parts.domain, parts.local])}=${stamp}=${parts.domain}=${parts.local}@${aliasDomain}`;
      kind = 'SRS0';
    }
    const lp = address.slice(0, address.lastIndexOf('@'));
    if (Buffer.byteLength(lp) > MAX_LOCAL) return keep(`rewritten local part would be ${Buffer.byteLength(lp)} octets (RFC 5321 allows ${MAX_LOCAL})`);
    return { rewritten: true, address, kind };
  }

  function reverse(address: string): SrsReverse {
    const bad = (code: SrsReverseError, error: string): SrsReverse => ({ ok: false, code, error });
    const parts = split(address);
    const tag = parts && TAG.exec(parts.local)?.[1]?.toUpperCase();
    if (!parts || !tag) return bad('not-srs', 'not an SRS address');
    const body = parts.local.slice(5);
    if (tag === 'SRS0') {
      const m = /^([^=]*)=([^=]*)=([^=]*)=(.+)$/s.exec(body);
      if (!m) return bad('syntax', 'SRS0 address must be SRS0=HASH=TT=domain=local');
      const [, hash, stamp, host, user] = m as unknown as [string, string, string, string, string];
      if (!host) return bad('syntax', 'SRS0 address has no original domain');
      if (!stampValid(stamp, now(), maxAge)) return bad('expired', `SRS0 time stamp ${JSON.stringify(stamp)} is invalid or older than ${maxAge} days`);
      if (!verify(hash, [stamp, host, user])) return bad('hash', 'SRS0 hash does not verify');
      return { ok: true, address: `${user}@${host}`, kind: 'SRS0' };
    }
    const m = /^([^=]*)=([^=]*)=(.+)$/s.exec(body);
    if (!m || !m[2]) return bad('syntax', 'SRS1 address must be SRS1=HASH=host==...');
    const [, hash, host, user] = m as unknown as [string, string, string, string]; // user starts with the SRS0 separator
    if (!verify(hash, [host, user])) return bad('hash', 'SRS1 hash does not verify');
    return { ok: true, address: `SRS0${user}@${host}`, kind: 'SRS1' };
  }

  return { forward, reverse, isSrs: (a) => !!TAG.exec(split(a)?.local ?? '') };
}
