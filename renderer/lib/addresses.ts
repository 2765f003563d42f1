// Reading address headers (From, Sender, Reply-To, To, Cc) for display and comparison:
// RFC 5322 address lists, RFC 2047 encoded words. Pragmatic, never throws.

export interface Mailbox {
  /** Display name, MIME-decoded, without quotes. */
  name?: string;
  /** addr-spec, lower-cased domain; '' when none could be found. */
  address: string;
}

/** Decodes RFC 2047 encoded words (=?charset?B|Q?...?=); unknown charsets are left as they are. */
export function decodeMimeWords(s: string): string {
  // Whitespace between two encoded words is not displayed (RFC 2047 §6.2).
  const joined = s.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (whole, charset: string, enc: string, text: string) => {
    try {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
          : qBytes(text);
      return new TextDecoder(charset.split('*')[0]!.trim().toLowerCase()).decode(bytes);
    } catch {
      return whole;
    }
  });
}

function qBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') out.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

/** Splits on commas that are outside quotes, angle brackets and comments. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote = false;
  let angle = 0;
  let paren = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === '"' && paren === 0) quote = !quote;
    else if (!quote) {
      if (c === '(') paren++;
      else if (c === ')' && paren > 0) paren--;
      else if (paren === 0 && c === '<') angle++;
      else if (paren === 0 && c === '>' && angle > 0) angle--;
      else if (paren === 0 && angle === 0 && c === ',') {
        parts.push(cur);
        cur = '';
        continue;
      }
    }
    cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function normalize(addr: string): string {
  const a = addr.trim();
  const at = a.lastIndexOf('@');
  return at < 0 ? a : `${a.slice(0, at)}@${a.slice(at + 1).toLowerCase()}`;
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

export function parseMailbox(raw: string): Mailbox {
  const s = raw.trim();
  const angle = /<([^<>]*)>/.exec(s);
  if (angle) {
    const name = unquote(decodeMimeWords(s.slice(0, angle.index).trim()));
    return { ...(name ? { name } : {}), address: normalize(angle[1] ?? '') };
  }
  // addr-spec, possibly followed by a (comment) holding a name: "a@b (Alice)"
  const comment = /\(([^()]*)\)/.exec(s);
  const bare = s.replace(/\([^()]*\)/g, '').trim();
  const name = comment ? decodeMimeWords(comment[1] ?? '').trim() : '';
  return { ...(name ? { name } : {}), address: normalize(bare) };
}

/** Every mailbox of an address list; groups ("team: a@x, b@y;") are flattened. */
export function parseAddressList(value: string | undefined): Mailbox[] {
  if (!value) return [];
  const out: Mailbox[] = [];
  for (const part of splitTopLevel(value)) {
    // A group opener "Team: a@x" or a closer "b@y;"
    const group = /^[^"<>@]*?:(.*)$/.exec(part);
    const body = (group ? (group[1] ?? '') : part).replace(/;\s*$/, '').trim();
    if (body === '') continue;
    out.push(parseMailbox(body));
  }
  return out;
}

/** The domain of an address, lower-cased; '' for the null sender or a local-only name. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase().replace(/\.$/, '');
}

/** Well-known two-label public suffixes; enough for a teaching approximation, not the PSL. */
const TWO_LABEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'me.uk', 'com.au', 'net.au', 'org.au', 'edu.au', 'co.nz', 'org.nz',
  'co.jp', 'ne.jp', 'or.jp', 'com.br', 'com.cn', 'com.mx', 'co.za', 'co.in', 'co.kr', 'com.tr', 'com.tw', 'com.sg',
]);

/**
 * The organizational domain, approximated: the last two labels, or three under a well-known
 * two-label suffix. (The engine's DMARC step uses the public suffix list.)
 */
export function orgDomain(domain: string): string {
  const labels = domain.toLowerCase().split('.').filter(Boolean);
  if (labels.length <= 2) return labels.join('.');
  const last2 = labels.slice(-2).join('.');
  return TWO_LABEL_SUFFIXES.has(last2) ? labels.slice(-3).join('.') : last2;
}
