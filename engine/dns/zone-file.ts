// RFC 1035 master files (BIND syntax) -> lab zone records, the same shape as dns.records in the config.
// Supported: $ORIGIN, $TTL (checked, then ignored: the lab zone has no TTLs), @, relative names,
// blank owner, ( ) continuation, ; comments, quoted strings with \X and \DDD escapes, optional TTL
// and class IN; types A AAAA MX TXT PTR CNAME NS, and SOA (checked for shape, then ignored).
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import type { ZoneRecord } from '../config/schema';
import { nameProblem } from './names';

export type ZoneEntries = Record<string, ZoneRecord>;

/** `line` is 1-based; 0 when the error is about the whole file (it could not be read). */
export class ZoneFileError extends Error {
  constructor(readonly file: string, readonly line: number, readonly reason: string) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'ZoneFileError';
  }
}

interface Tok { text: string; quoted: boolean; escaped: boolean; line: number }
interface Entry { line: number; blankOwner: boolean; toks: Tok[] }
type Fail = (line: number, reason: string) => never;

const SUPPORTED = 'A AAAA MX TXT PTR CNAME NS SOA';
const CLASSES = new Set(['IN', 'CH', 'CS', 'HS']);
const TTL_RE = /^(\d+|(\d+[smhdw])+)$/i;

/** Splits the text into records: one per line, or several lines joined by ( ). */
function entries(text: string, fail: Fail): Entry[] {
  const out: Entry[] = [];
  let line = 1, depth = 0, parenLine = 0, atStart = true;
  let cur: Entry | undefined;
  let i = 0;
  const ws = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r';
  while (i < text.length) {
    const c = text[i] as string;
    if (atStart) {
      cur = { line, blankOwner: ws(c), toks: [] };
      out.push(cur);
      atStart = false;
    }
    if (c === '\n') {
      line++; i++;
      if (depth === 0) atStart = true;
      continue;
    }
    if (ws(c)) { i++; continue; }
    if (c === ';') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '(') {
      if (depth) fail(line, "'(' inside '(': parentheses do not nest");
      depth = 1; parenLine = line; i++;
      continue;
    }
    if (c === ')') {
      if (!depth) fail(line, "')' without a matching '('");
      depth = 0; i++;
      continue;
    }
    const quoted = c === '"';
    if (quoted) i++;
    const bytes: number[] = [];
    let escaped = false;
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch === '\n') {
        if (quoted) fail(line, 'unterminated quoted string');
        break;
      }
      if (quoted ? ch === '"' : ws(ch) || ';()"'.includes(ch)) { if (quoted) i++; break; }
      if (ch === '\\') {
        escaped = true;
        const ddd = /^\d{3}/.exec(text.slice(i + 1, i + 4));
        if (ddd) {
          const n = Number(ddd[0]);
          if (n > 255) fail(line, `escape \\${ddd[0]} is not a byte (000-255)`);
          bytes.push(n); i += 4;
          continue;
        }
        const next = text.codePointAt(i + 1);
        if (next === undefined || next === 10) fail(line, 'a backslash at the end of a line escapes nothing');
        const s = String.fromCodePoint(next);
        bytes.push(...Buffer.from(s)); i += 1 + s.length;
        continue;
      }
      const s = String.fromCodePoint(text.codePointAt(i) as number);
      bytes.push(...Buffer.from(s)); i += s.length;
    }
    (cur as Entry).toks.push({ text: Buffer.from(bytes).toString('utf8'), quoted, escaped, line });
  }
  if (depth) fail(parenLine, "'(' is never closed");
  return out.filter((e) => e.toks.length > 0);
}

/** Parses a zone file's text. `file` names it in errors; `origin` is the default $ORIGIN. */
export function parseZoneFile(text: string, opts: { file: string; origin?: string }): ZoneEntries {
  const fail: Fail = (line, reason) => { throw new ZoneFileError(opts.file, line, reason); };
  let origin = opts.origin?.replace(/\.$/, '');
  let prevOwner: string | undefined;
  const zone = new Map<string, ZoneRecord>();
  const cnameLine = new Map<string, number>();

  const name = (t: Tok, what: string, rootOk = false): string => {
    if (t.quoted) fail(t.line, `${what} cannot be a quoted string: "${t.text}"`);
    if (t.escaped) fail(t.line, `${what} ${t.text}: escapes in names are not supported`);
    if (rootOk && t.text === '.') return ''; // null MX (RFC 7505): "MX 0 ."
    let n: string;
    if (t.text === '@' || !t.text.endsWith('.')) {
      if (origin === undefined) fail(t.line, `relative name '${t.text}' needs an $ORIGIN line before it`);
      n = t.text === '@' ? origin : origin === '' ? t.text : `${t.text}.${origin}`;
    } else n = t.text.slice(0, -1);
    const problem = nameProblem(n);
    if (problem) fail(t.line, `${what} '${t.text}': ${problem}`);
    if (n.split('.').includes('*')) fail(t.line, `${what} '${t.text}': wildcard names are not supported`);
    return n;
  };
  const ttl = (t: Tok, what: string) => {
    if (!TTL_RE.test(t.text)) fail(t.line, `${what} '${t.text}' is not a TTL (seconds, or units such as 1h30m)`);
  };
  const add = <K extends 'A' | 'AAAA' | 'MX' | 'TXT' | 'PTR' | 'CNAME' | 'NS'>(owner: string, type: K, value: NonNullable<ZoneRecord[K]>[number]) => {
    const rec = zone.get(owner) ?? {};
    zone.set(owner, rec);
    const list = (rec[type] ?? []) as unknown[];
    if (!list.some((v) => JSON.stringify(v) === JSON.stringify(value))) list.push(value); // duplicates are ignored, as BIND does
    rec[type] = list as ZoneRecord[K];
  };

  for (const e of entries(text, fail)) {
    const first = e.toks[0] as Tok;
    if (!e.blankOwner && !first.quoted && first.text.startsWith('$')) {
      const dir = first.text.toUpperCase();
      const arg = e.toks[1];
      if (dir !== '$ORIGIN' && dir !== '$TTL') fail(e.line, `unsupported directive ${first.text} (only $ORIGIN and $TTL)`);
      if (!arg || e.toks.length > 2) fail(e.line, `${dir} takes exactly one value`);
      if (dir === '$ORIGIN') origin = arg.text === '.' ? '' : name(arg, '$ORIGIN');
      else ttl(arg, '$TTL');
      continue;
    }
    let i = 0;
    if (e.blankOwner) {
      if (prevOwner === undefined) fail(e.line, 'a record with a blank owner needs a previous owner name');
    } else {
      prevOwner = name(first, 'owner name').toLowerCase();
      i = 1;
    }
    const owner = prevOwner;
    let sawTtl = false, sawClass = false;
    for (let t = e.toks[i]; t && !t.quoted; t = e.toks[++i]) {
      const up = t.text.toUpperCase();
      if (!sawTtl && TTL_RE.test(up)) sawTtl = true;
      else if (!sawClass && CLASSES.has(up)) {
        if (up !== 'IN') fail(t.line, `class ${up} is not supported (only IN)`);
        sawClass = true;
      } else break;
    }
    const typeTok = e.toks[i];
    if (!typeTok) fail(e.line, `missing record type (supported: ${SUPPORTED})`);
    const type = typeTok.text.toUpperCase();
    const rd = e.toks.slice(i + 1);
    const one = (what: string) => {
      if (rd.length !== 1) fail(e.line, `${type} needs ${what}, got ${rd.length} values`);
      return rd[0] as Tok;
    };
    switch (type) {
      case 'A': case 'AAAA': {
        const t = one(`one ${type === 'A' ? 'IPv4' : 'IPv6'} address`);
        if (!(type === 'A' ? isIPv4 : isIPv6)(t.text)) fail(t.line, `${type} '${t.text}' is not an ${type === 'A' ? 'IPv4' : 'IPv6'} address`);
        add(owner, type, t.text);
        break;
      }
      case 'MX': {
        const [p, x] = rd;
        if (rd.length !== 2 || !p || !x) fail(e.line, 'MX needs a preference and an exchange');
        if (!/^\d+$/.test(p.text) || Number(p.text) > 65535) fail(p.line, `MX preference '${p.text}' is not a number from 0 to 65535`);
        add(owner, 'MX', [Number(p.text), name(x, 'MX exchange', true)]);
        break;
      }
      case 'TXT': {
        if (rd.length === 0) fail(e.line, 'TXT needs at least one string');
        for (const t of rd) {
          if (Buffer.byteLength(t.text) > 255) fail(t.line, `TXT string longer than 255 bytes (${Buffer.byteLength(t.text)}); split it into several strings`);
        }
        const strings = rd.map((t) => t.text);
        add(owner, 'TXT', strings.length === 1 ? (strings[0] as string) : strings);
        break;
      }
      case 'PTR': case 'CNAME': case 'NS': {
        const target = name(one('one name'), `${type} target`);
        if (type === 'CNAME') {
          if (zone.get(owner)?.CNAME?.some((c) => c !== target)) fail(e.line, `${owner} has more than one CNAME`);
          cnameLine.set(owner, cnameLine.get(owner) ?? e.line);
        }
        add(owner, type, target);
        break;
      }
      case 'SOA':
        if (rd.length !== 7) fail(e.line, `SOA needs 7 values (mname rname serial refresh retry expire minimum), got ${rd.length}`);
        rd.slice(0, 2).forEach((t, k) => name(t, k ? 'SOA rname' : 'SOA mname'));
        rd.slice(2).forEach((t) => ttl(t, 'SOA value'));
        if (!zone.has(owner)) zone.set(owner, {}); // the name exists: other types are NODATA, not NXDOMAIN
        break;
      default:
        fail(typeTok.line, /^[A-Z][A-Z0-9-]*$/.test(type)
          ? `unsupported record type ${type} (supported: ${SUPPORTED})`
          : `expected a record type, got '${typeTok.text}' (supported: ${SUPPORTED})`);
    }
  }
  for (const [owner, line] of cnameLine) {
    const others = Object.keys(zone.get(owner) ?? {}).filter((k) => k !== 'CNAME');
    if (others.length) fail(line, `${owner} has a CNAME and other data (${others.join(' ')}); a CNAME must stand alone`);
  }
  return Object.fromEntries(zone);
}

/** Reads and parses a zone file; `shownAs` is how errors name it (default: the path). */
export function readZoneFile(path: string, shownAs: string = path): ZoneEntries {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ZoneFileError(shownAs, 0, `cannot read the zone file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseZoneFile(text, { file: shownAs });
}
