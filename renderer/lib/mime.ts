// A small MIME reader for the message view: splits a message source (bytes) into its header
// block and a tree of parts (multipart boundaries, content types, charsets, transfer
// encodings), and decodes base64 / quoted-printable text parts to strings. Input is untrusted
// mail: it never throws on malformed structure, it records a problem on the part instead.

export interface MimeHeader {
  name: string;
  /** Unfolded value, leading space trimmed. */
  value: string;
  /** The field as stored, folding kept. */
  raw: string;
}

export interface MimePart {
  /** "" for the message itself, then "1", "1.2" as in IMAP. */
  path: string;
  headers: MimeHeader[];
  /** Lower-case type/subtype; the default when absent (text/plain, or message/rfc822 in a digest). */
  contentType: string;
  params: Record<string, string>;
  charset?: string;
  /** Lower-case Content-Transfer-Encoding; 7bit when absent. */
  encoding: string;
  disposition?: string;
  filename?: string;
  /** The body as stored (still transfer-encoded), one char per byte. */
  body: string;
  children: MimePart[];
  problems: string[];
}

const MAX_DEPTH = 30;

/** Bytes → a string with one char (0–255) per byte, so offsets stay byte offsets. */
export function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

export function binaryToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64_INDEX[B64.charCodeAt(i)] = i;
B64_INDEX['-'.charCodeAt(0)] = 62; // base64url, as some senders use
B64_INDEX['_'.charCodeAt(0)] = 63;

/** Lenient base64: skips whitespace and stray characters, stops at the first '='. */
export function decodeBase64(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61) break; // '='
    const v = c < 256 ? B64_INDEX[c]! : -1;
    if (v < 0) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.slice(0, n);
}

/** Quoted-printable (RFC 2045 6.7): =XX, soft line breaks, trailing blanks dropped; bad escapes kept. */
export function decodeQuotedPrintable(text: string): Uint8Array {
  const lines = text.split(/\r?\n/);
  const out: number[] = [];
  lines.forEach((line0, k) => {
    const line = line0.replace(/[ \t]+$/, '');
    let soft = false;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 61) {
        if (i === line.length - 1) {
          soft = true;
          break;
        }
        const hex = line.slice(i + 1, i + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
          out.push(parseInt(hex, 16));
          i += 2;
          continue;
        }
      }
      out.push(c & 0xff);
    }
    if (!soft && k < lines.length - 1) out.push(13, 10);
  });
  return Uint8Array.from(out);
}

/** Splits at the first empty line. A source that starts with an empty line has no headers. */
export function splitHeaderBody(s: string): { head: string; body: string } {
  if (s.startsWith('\r\n')) return { head: '', body: s.slice(2) };
  if (s.startsWith('\n')) return { head: '', body: s.slice(1) };
  const m = /\r?\n\r?\n/.exec(s);
  if (!m) return { head: s, body: '' };
  return { head: s.slice(0, m.index), body: s.slice(m.index + m[0].length) };
}

/** Header fields in order; continuation lines join the field above. Lines without a colon are skipped. */
export function parseHeaders(head: string): MimeHeader[] {
  const fields: string[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += `\r\n${line}`;
    else if (line !== '') fields.push(line);
  }
  const out: MimeHeader[] = [];
  for (const raw of fields) {
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    out.push({ name: raw.slice(0, colon).trim(), value: raw.slice(colon + 1).replace(/\r?\n/g, '').trim(), raw });
  }
  return out;
}

/** `type/subtype; a=b; c="d e"` → lower-case value and params (keys lower-case; RFC 2231 name*= decoded when simple). */
export function parseStructured(value: string): { value: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const semi = value.indexOf(';');
  const main = (semi < 0 ? value : value.slice(0, semi)).replace(/\(.*?\)/g, '').trim().toLowerCase();
  const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) {
    const key = m[1]!.toLowerCase();
    const v = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim();
    if (key.endsWith('*')) {
      const ext = /^([^']*)'[^']*'(.*)$/.exec(v);
      params[key.slice(0, -1)] = ext ? decodePercent(ext[2]!, ext[1] || 'utf-8') : v;
    } else if (!(key in params)) params[key] = v;
  }
  return { value: main, params };
}

function decodePercent(s: string, charset: string): string {
  const bytes = binaryToBytes(s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  return decodeText(bytes, charset).text;
}

/** Bytes → text in a charset; unknown charsets fall back to UTF-8 with a note. */
export function decodeText(bytes: Uint8Array, charset = 'us-ascii'): { text: string; note?: string } {
  try {
    return { text: new TextDecoder(charset.trim().toLowerCase()).decode(bytes) };
  } catch {
    return { text: new TextDecoder('utf-8').decode(bytes), note: `unknown charset "${charset}", shown as UTF-8` };
  }
}

function header(h: MimeHeader[], name: string): string | undefined {
  return h.find((f) => f.name.toLowerCase() === name)?.value;
}

/** Splits a multipart body at its boundary: the parts (delimiter line endings excluded) and whether the close delimiter came. */
export function splitMultipart(body: string, boundary: string): { parts: string[]; closed: boolean } {
  const delim = `--${boundary}`;
  const parts: string[] = [];
  let start = -1;
  let pos = 0;
  while (pos <= body.length) {
    const nl = body.indexOf('\n', pos);
    const end = nl < 0 ? body.length : nl;
    const line = body.slice(pos, end).replace(/\r$/, '');
    if (line.startsWith(delim)) {
      const rest = line.slice(delim.length);
      const close = rest.startsWith('--');
      if ((close ? rest.slice(2) : rest).trim() === '') {
        if (start >= 0) {
          let stop = pos;
          if (body[stop - 1] === '\n') stop--;
          if (body[stop - 1] === '\r') stop--;
          parts.push(body.slice(start, Math.max(start, stop)));
        }
        if (close) return { parts, closed: true };
        start = end + 1;
      }
    }
    if (nl < 0) break;
    pos = nl + 1;
  }
  if (start >= 0 && start <= body.length) parts.push(body.slice(start));
  return { parts, closed: false };
}

function parseEntity(s: string, path: string, depth: number, defaultType: string): MimePart {
  const { head, body } = splitHeaderBody(s);
  const headers = parseHeaders(head);
  const problems: string[] = [];
  const ctRaw = header(headers, 'content-type');
  let { value: contentType, params } = ctRaw ? parseStructured(ctRaw) : { value: defaultType, params: {} as Record<string, string> };
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(contentType)) {
    problems.push(`Content-Type "${ctRaw ?? ''}" is not type/subtype; read as text/plain`);
    contentType = 'text/plain';
    params = {};
  }
  const encoding = (header(headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  const dispRaw = header(headers, 'content-disposition');
  const disp = dispRaw ? parseStructured(dispRaw) : undefined;
  const filename = disp?.params['filename'] ?? params['name'];
  const part: MimePart = {
    path,
    headers,
    contentType,
    params,
    ...(contentType.startsWith('text/') ? { charset: params['charset'] ?? 'us-ascii' } : params['charset'] ? { charset: params['charset'] } : {}),
    encoding,
    ...(disp?.value ? { disposition: disp.value } : {}),
    ...(filename ? { filename } : {}),
    body,
    children: [],
    problems,
  };
  if (depth >= MAX_DEPTH) {
    problems.push(`nested deeper than ${MAX_DEPTH} levels; not read further`);
    return part;
  }
  const child = (k: number): string => (path ? `${path}.${k}` : String(k));
  if (contentType.startsWith('multipart/')) {
    const boundary = params['boundary'];
    if (!boundary) {
      problems.push('multipart without a boundary parameter');
      return part;
    }
    const { parts, closed } = splitMultipart(body, boundary);
    if (!parts.length) problems.push(`boundary "${boundary}" never appears in the body`);
    else if (!closed) problems.push(`the closing boundary "--${boundary}--" is missing`);
    const inner = contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    part.children = parts.map((p, k) => parseEntity(p, child(k + 1), depth + 1, inner));
  } else if (contentType === 'message/rfc822' || contentType === 'message/global') {
    const raw = encoding === 'base64' ? bytesToBinary(decodeBase64(body)) : encoding === 'quoted-printable' ? bytesToBinary(decodeQuotedPrintable(body)) : body;
    part.children = [parseEntity(raw, child(1), depth + 1, 'text/plain')];
  }
  return part;
}

/** The MIME tree of a whole message source. */
export function parseMime(source: Uint8Array | string): MimePart {
  return parseEntity(typeof source === 'string' ? source : bytesToBinary(source), '', 0, 'text/plain');
}

/** A part's body with its transfer encoding undone. */
export function decodeBody(part: MimePart): Uint8Array {
  if (part.encoding === 'base64') return decodeBase64(part.body);
  if (part.encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
  return binaryToBytes(part.body);
}

/** A text part as a string in its charset. */
export function partText(part: MimePart): { text: string; note?: string } {
  return decodeText(decodeBody(part), part.charset ?? 'us-ascii');
}

/** The first inline part of a type (text/plain, text/html), not looking inside attached messages. */
export function findBody(root: MimePart, type: string): MimePart | undefined {
  const walk = (p: MimePart): MimePart | undefined => {
    if (p.disposition === 'attachment') return undefined;
    if (p.contentType === type) return p;
    if (!p.contentType.startsWith('multipart/')) return undefined;
    for (const c of p.children) {
      const hit = walk(c);
      if (hit) return hit;
    }
    return undefined;
  };
  return walk(root);
}

/** Every part, depth first, with its depth (for a flat tree view). */
export function flattenParts(root: MimePart): { part: MimePart; depth: number }[] {
  const out: { part: MimePart; depth: number }[] = [];
  const walk = (p: MimePart, depth: number): void => {
    out.push({ part: p, depth });
    p.children.forEach((c) => walk(c, depth + 1));
  };
  walk(root, 0);
  return out;
}
