// cidr: tables (cidr_table(5), dict_cidr.c): "network/mask result" lines, first match wins;
// "!pattern result" negates; "if pattern" ... "endif" blocks nest. A bare address means /32 or
// /128; brackets are allowed ("[2001:db8::]/32"). An address family only matches itself. A
// network with host bits set is refused, with the network Postfix suggests instead.
import { isIP } from 'node:net';
import { isSpace, logicalLines, trimEnd } from '../lines';
import { TableSyntaxError, type Lookup, type Parsed } from '../types';

/** The bytes of an IPv4 (4) or IPv6 (16) address in text form, or undefined. */
export function ipBytes(text: string): Uint8Array | undefined {
  const v = isIP(text);
  if (v === 4) return Uint8Array.from(text.split('.').map(Number));
  if (v !== 6) return undefined;
  let s = text;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    tail.push(...v4[1]!.split('.').map(Number));
    s = `${s.slice(0, v4.index)}0:0`;
  }
  const [head = '', rest] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = rest === undefined ? [] : rest ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const n = parseInt(g, 16); out[2 * i] = n >> 8; out[2 * i + 1] = n & 255; });
  if (tail.length) out.set(tail, 12);
  return out;
}

function maskBytes(len: number, bits: number): Uint8Array {
  const m = new Uint8Array(len);
  for (let i = 0; i < len; i++) m[i] = bits >= (i + 1) * 8 ? 255 : bits <= i * 8 ? 0 : (0xff << (8 - (bits - i * 8))) & 0xff;
  return m;
}

function formatNet(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

interface Net {
  net: Uint8Array;
  mask: Uint8Array;
  match: boolean;
}

/** Parses "addr", "addr/len", "[addr]", "[addr]/len"; throws a reason. */
export function parseCidr(pattern: string, match = true): Net {
  let p = pattern;
  let maskPart: string | undefined;
  if (p.startsWith('[')) {
    const close = p.indexOf(']');
    if (close < 0) throw new Error(`missing ']' character after "${p}"`);
    const after = p.slice(close + 1);
    if (after !== '' && !after.startsWith('/')) throw new Error(`garbage after "${p.slice(0, close + 1)}"`);
    maskPart = after === '' ? undefined : after.slice(1);
    p = p.slice(1, close);
  } else {
    const slash = p.indexOf('/');
    if (slash >= 0) { maskPart = p.slice(slash + 1); p = p.slice(0, slash); }
  }
  const family = p.includes(':') ? 6 : 4;
  const bytes = isIP(p) === family ? ipBytes(p) : undefined;
  const bitsMax = family === 4 ? 32 : 128;
  if (maskPart === undefined) {
    if (!bytes) throw new Error(`bad address pattern: "${pattern}"`);
    return { net: bytes, mask: maskBytes(bytes.length, bitsMax), match };
  }
  if (!/^\d+$/.test(maskPart)) throw new Error(`bad mask value in "${p}/${maskPart}"`);
  const bits = Number(maskPart);
  if (bits > bitsMax) throw new Error(`bad mask length in "${p}/${maskPart}"`);
  if (!bytes) throw new Error(`bad network value in "${p}/${maskPart}"`);
  const mask = maskBytes(bytes.length, bits);
  if (bytes.some((b, i) => (b & ~mask[i]!) !== 0)) {
    const fixed = bytes.map((b, i) => b & mask[i]!);
    throw new Error(`non-null host address bits in "${p}/${maskPart}", perhaps you should use "${formatNet(fixed)}/${bits}" instead`);
  }
  return { net: bytes, mask, match };
}

function netMatches(n: Net, addr: Uint8Array): boolean {
  if (addr.length !== n.net.length) return false; // another address family never matches, negated or not
  for (let i = 0; i < addr.length; i++) if ((addr[i]! & n.mask[i]!) !== n.net[i]) return !n.match;
  return n.match;
}

type Rule =
  | { op: 'match'; line: number; net: Net; value: string }
  | { op: 'if'; line: number; net: Net; endif: number }
  | { op: 'endif'; line: number };

function negations(text: string): { match: boolean; rest: string } {
  let match = true;
  let i = 0;
  for (; i < text.length; i++) {
    if (text[i] === '!') match = !match;
    else if (!isSpace(text[i])) break;
  }
  return { match, rest: text.slice(i) };
}

export function parseCidrTable(text: string, file: string): Parsed {
  const rules: Rule[] = [];
  const warnings: string[] = [];
  const stack: number[] = [];
  for (const l of logicalLines(text, file)) {
    const body = trimEnd(l.text);
    const fail = (why: string) => new TableSyntaxError(file, l.line, why);
    try {
      if (/^if(?![A-Za-z0-9])/i.test(body)) {
        const { match, rest } = negations(body.slice(2));
        if (rest === '') throw new Error('no address pattern');
        stack.push(rules.length);
        rules.push({ op: 'if', line: l.line, net: parseCidr(rest.trim(), match), endif: -1 });
        continue;
      }
      if (/^endif(?![A-Za-z0-9])/i.test(body)) {
        if (body.slice(5).trim() !== '') throw new Error('garbage after ENDIF');
        if (!stack.length) throw new Error('ENDIF without IF');
        (rules[stack.pop()!] as Extract<Rule, { op: 'if' }>).endif = rules.length;
        rules.push({ op: 'endif', line: l.line });
        continue;
      }
      const { match, rest } = negations(body);
      const m = /^(\S+)\s*(.*)$/.exec(rest);
      if (!m) throw new Error('no address pattern');
      const net = parseCidr(m[1]!, match);
      if (m[2] === '') throw new Error('no lookup result');
      rules.push({ op: 'match', line: l.line, net, value: m[2]! });
    } catch (e) {
      if (e instanceof TableSyntaxError) throw e;
      throw fail((e as Error).message);
    }
  }
  for (const at of stack) warnings.push(`${file}, line ${rules[at]!.line}: IF has no matching ENDIF`);
  return {
    warnings,
    lookup(key): Lookup {
      const addr = ipBytes(key);
      if (!addr) return { found: false };
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i]!;
        if (r.op === 'endif') continue;
        if (r.op === 'if') {
          if (netMatches(r.net, addr)) continue;
          if (r.endif < 0) return { found: false };
          i = r.endif;
          continue;
        }
        if (netMatches(r.net, addr)) return { found: true, value: r.value, line: r.line };
      }
      return { found: false };
    },
  };
}
