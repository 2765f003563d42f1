// pcre: tables use PCRE syntax; the engine runs them as JavaScript RegExps. This file
// translates PCRE (as Postfix 3.7 on Debian compiles it: PCRE2, no UTF mode) into a JavaScript
// source that matches the same strings, and refuses what JavaScript (Node 20) cannot express,
// with a message that says what and why:
//  - possessive quantifiers (a*+), atomic groups (?>...), branch reset (?|...), conditionals
//    (?(1)...), recursion and subroutine calls ((?R), (?1), (?&name), (?P>name), \g<1>),
//    callouts (?C), backtracking verbs (*SKIP) and (*UTF)-style start options, \K, \C, \X,
//    Unicode properties \p{..}/\P{..}, \N{U+..};
//  - an inline (?i) or (?-i) that changes case-sensitivity for only part of a pattern (a
//    leading (?i) that covers the whole pattern is fine: it becomes the table flag);
//  - (?n) (no auto-capture) and (?J) (duplicate group names).
// What is translated rather than refused: \A \z \Z \G, \Q...\E, \h \H \v \V \R \N, \e \a \cX
// \x{..} \o{..} and octal escapes, (?P<name>..)/(?'name'..)/(?P=name)/\k{name}/\g{n}/\g{-n},
// (?#comments), POSIX classes [:alpha:], and the flags: "m" (multi-line ^ and $), "s" (dot
// matches newline: on by default in Postfix), "x" (white space and # comments ignored), "A"
// (anchored), "E" ($ only at the very end), "U" (ungreedy; also (?U) and (?x) inside the
// pattern). "^", "$" and "." are written as explicit look-arounds and classes, so JavaScript's
// own m/s flags never come into play.
import type { Translated } from './posix-regex';

export interface PcreOptions {
  icase: boolean;
  multiline: boolean;
  dotall: boolean;
  extended: boolean;
  anchored: boolean;
  dollarEndOnly: boolean;
  ungreedy: boolean;
}

class Refused extends Error {}

function refuse(what: string): never {
  throw new Refused(`${what} cannot be expressed in a JavaScript regular expression`);
}

const SPACE = '\\t\\n\\v\\f\\r ';
const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: '0-9a-zA-Z', upper: 'A-Z', lower: 'a-z', space: SPACE,
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f', word: '0-9A-Za-z_', ascii: '\\x00-\\x7f',
};
const NEGATED_CLASSES: Record<string, string> = { digit: '\\D', word: '\\W', space: '\\S' };

function hex(cp: number): string {
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return String.fromCodePoint(cp).split('').map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
}

const lit = (c: string): string => (/[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c);

/** Counts capturing groups in the whole pattern (for deciding what \10 means). */
function countGroups(p: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; if (p[i + 1] === ']') i++; else if (p[i + 1] === '^' && p[i + 2] === ']') i += 2; continue; }
    if (c !== '(') continue;
    if (p[i + 1] !== '?') { if (p[i + 1] !== '*') n++; continue; }
    if (/^\?(<[A-Za-z_]|'|P<)/.test(p.slice(i + 1))) n++;
  }
  return n;
}

interface Scope {
  /** Index in `out` of the group's "(" . */
  start: number;
  kind: 'group' | 'assert';
  /** Settings to restore at ")". */
  saved: Settings;
}

interface Settings {
  icase: boolean;
  multiline: boolean;
  dotall: boolean;
  extended: boolean;
  ungreedy: boolean;
}

/** One escape that stands for a single character, or undefined. Advances via the returned length. */
function charEscape(p: string, i: number): { cp: number; len: number } | undefined {
  const d = p[i + 1];
  const simple: Record<string, number> = { a: 7, e: 27, f: 12, n: 10, r: 13, t: 9 };
  if (d === undefined) return undefined;
  if (d in simple) return { cp: simple[d]!, len: 2 };
  if (d === 'c') {
    const x = p[i + 2];
    if (x === undefined || x.charCodeAt(0) > 127) throw new Error('\\c must be followed by an ASCII character');
    return { cp: x.toUpperCase().charCodeAt(0) ^ 0x40, len: 3 };
  }
  if (d === 'x') {
    if (p[i + 2] === '{') {
      const end = p.indexOf('}', i + 3);
      const h = end < 0 ? '' : p.slice(i + 3, end);
      if (!/^[0-9A-Fa-f]+$/.test(h) || parseInt(h, 16) > 0x10ffff) throw new Error(`bad \\x{...} escape`);
      return { cp: parseInt(h, 16), len: end - i + 1 };
    }
    const m = /^[0-9A-Fa-f]{0,2}/.exec(p.slice(i + 2))![0];
    return { cp: m === '' ? 0 : parseInt(m, 16), len: 2 + m.length };
  }
  if (d === 'o' && p[i + 2] === '{') {
    const end = p.indexOf('}', i + 3);
    const o = end < 0 ? '' : p.slice(i + 3, end);
    if (!/^[0-7]+$/.test(o)) throw new Error('bad \\o{...} escape');
    return { cp: parseInt(o, 8), len: end - i + 1 };
  }
  if (d === '0') {
    const m = /^[0-7]{0,2}/.exec(p.slice(i + 2))![0];
    return { cp: parseInt(`0${m}`, 8), len: 2 + m.length };
  }
  return undefined;
}

/** Parses a PCRE character class at p[i] === "["; returns the JS class and the next index. */
function pcreClass(p: string, i: number): { js: string; next: number } {
  let j = i + 1;
  let negate = false;
  if (p[j] === '^') { negate = true; j++; }
  let body = '';
  let first = true;
  const classLit = (cp: number) => {
    const c = String.fromCodePoint(cp);
    return /[\\\]\[^-]/.test(c) ? `\\${c}` : cp < 0x20 || cp > 0x7e ? hex(cp) : c;
  };
  /** One member: a character (cp) or a ready-made fragment (set). */
  const member = (): { cp?: number; set?: string } => {
    const c = p[j]!;
    if (c === '[' && p[j + 1] === ':') {
      const end = p.indexOf(':]', j + 2);
      if (end >= 0) {
        let name = p.slice(j + 2, end);
        j = end + 2;
        const neg = name.startsWith('^');
        if (neg) name = name.slice(1);
        if (neg) {
          const set = NEGATED_CLASSES[name];
          if (set === undefined) refuse(`a negated POSIX class [:^${name}:] other than digit, word or space`);
          return { set };
        }
        const set = CLASSES[name];
        if (set === undefined) throw new Error(`unknown POSIX class name [:${name}:]`);
        return { set };
      }
    }
    if (c !== '\\') { j++; return { cp: c.codePointAt(0)! }; }
    const d = p[j + 1];
    if (d === undefined) throw new Error('\\ at end of pattern');
    const ce = charEscape(p, j);
    if (ce) { j += ce.len; return { cp: ce.cp }; }
    j += 2;
    switch (d) {
      case 'd': case 'D': case 'w': case 'W': case 'S': return { set: `\\${d}` };
      case 's': return { set: SPACE };
      case 'h': return { set: '\\t \\xa0' };
      case 'v': return { set: '\\n\\v\\f\\r\\x85' };
      case 'b': return { cp: 8 };
      case 'H': case 'V': return refuse(`\\${d} inside a character class`);
      case 'p': case 'P': case 'X': case 'N': case 'R': case 'C': case 'K':
        return refuse(`\\${d} inside a character class`);
    }
    if (/[A-Za-z0-9]/.test(d)) throw new Error(`unrecognized escape \\${d} in a character class`);
    return { cp: d.codePointAt(0)! };
  };
  for (;;) {
    if (j >= p.length) throw new Error('missing terminating ] for character class');
    if (p[j] === ']' && !first) { j++; break; }
    first = false;
    if (p[j] === '\\' && p[j + 1] === 'Q') {
      const end = p.indexOf('\\E', j + 2);
      const text = end < 0 ? p.slice(j + 2) : p.slice(j + 2, end);
      for (const ch of text) body += classLit(ch.codePointAt(0)!);
      j = end < 0 ? p.length : end + 2;
      continue;
    }
    if (p[j] === '\\' && p[j + 1] === 'E') { j += 2; continue; }
    const a = member();
    if (a.set !== undefined) { body += a.set; continue; }
    if (p[j] === '-' && j + 1 < p.length && p[j + 1] !== ']') {
      const save = j;
      j++;
      const b = member();
      if (b.set !== undefined) { body += `${classLit(a.cp!)}\\-${b.set}`; continue; } // PCRE: "-" is literal here
      if (b.cp! < a.cp!) throw new Error(`range out of order in character class at offset ${save}`);
      body += `${classLit(a.cp!)}-${classLit(b.cp!)}`;
      continue;
    }
    body += classLit(a.cp!);
  }
  return { js: `[${negate ? '^' : ''}${body}]`, next: j };
}

export function translatePcre(pattern: string, o: PcreOptions): Translated {
  const totalGroups = countGroups(pattern);
  let cur: Settings = { icase: o.icase, multiline: o.multiline, dotall: o.dotall, extended: o.extended, ungreedy: o.ungreedy };
  let globalIcase = o.icase;
  let out = '';
  let atom = -1;
  /** The last atom already carries a quantifier (another one is an error). */
  let quantified = false;
  let groups = 0;
  const scopes: Scope[] = [];
  const names = new Set<string>();

  const addAtom = (js: string) => { atom = out.length; out += js; quantified = false; };
  const addAnchor = (js: string) => { out += js; atom = -1; quantified = false; };
  const backref = (n: number) => {
    if (n < 1 || n > totalGroups) throw new Error(`reference to non-existent subpattern ${n}`);
    addAtom(`(?:\\${n})`);
  };
  const namedRef = (name: string) => {
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`bad group name "${name}"`);
    addAtom(`\\k<${name}>`);
  };
  const caret = () => (cur.multiline ? '(?:(?<![\\s\\S])|(?<=\\n)(?=[\\s\\S]))' : '(?<![\\s\\S])');
  const dollar = () => (cur.multiline ? '(?=\\n|(?![\\s\\S]))' : o.dollarEndOnly ? '(?![\\s\\S])' : '(?=\\n?(?![\\s\\S]))');

  /** An inline option setting "(?imsxU-imsxU)" or the flags part of "(?flags:". */
  const applyOptions = (spec: string, wholePattern: boolean): Settings => {
    const next = { ...cur };
    let on = true;
    for (const f of spec) {
      if (f === '-') { on = false; continue; }
      if (f === '^') { next.icase = false; next.multiline = false; next.dotall = false; next.extended = false; next.ungreedy = false; continue; }
      switch (f) {
        case 'i': next.icase = on; break;
        case 'm': next.multiline = on; break;
        case 's': next.dotall = on; break;
        case 'x': next.extended = on; break;
        case 'U': next.ungreedy = on; break;
        case 'n': refuse('(?n) (no automatic capturing)');
        case 'J': refuse('(?J) (duplicate group names)');
        default: throw new Error(`unrecognized inline option "${f}"`);
      }
    }
    if (next.icase !== cur.icase) {
      if (!wholePattern) refuse(`an inline (?${spec}) that changes case-sensitivity for part of the pattern (use the table's "i" flag; JavaScript in Node 20 has no scoped modifiers)`);
      globalIcase = next.icase;
    }
    return next;
  };

  const quantifier = (i: number): { q: string; next: number } | undefined => {
    const c = pattern[i];
    let q: string;
    let j: number;
    if (c === '*' || c === '+' || c === '?') { q = c; j = i + 1; }
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) return undefined; // not a quantifier: a literal "{"
      if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) throw new Error(`numbers out of order in {} quantifier`);
      q = m[0];
      j = i + m[0].length;
    } else return undefined;
    let lazy = false;
    if (pattern[j] === '+') refuse(`the possessive quantifier "${q}+"`);
    if (pattern[j] === '?') { lazy = true; j++; }
    if (cur.ungreedy) lazy = !lazy;
    return { q: lazy ? `${q}?` : q, next: j };
  };

  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (cur.extended) {
      if (/[ \t\n\v\f\r]/.test(c)) { i++; continue; }
      if (c === '#') { const nl = pattern.indexOf('\n', i); i = nl < 0 ? pattern.length : nl + 1; continue; }
    }
    const q = quantifier(i);
    if (q) {
      if (atom < 0) throw new Error(`quantifier "${pattern.slice(i, q.next)}" does not follow a repeatable item`);
      if (quantified) throw new Error(`quantifier "${pattern.slice(i, q.next)}" follows another quantifier`);
      out += q.q;
      quantified = true;
      i = q.next;
      continue;
    }
    if (c === '\\') {
      const d = pattern[i + 1];
      if (d === undefined) throw new Error('\\ at end of pattern');
      const ce = charEscape(pattern, i);
      if (ce) { addAtom(hex(ce.cp)); i += ce.len; continue; }
      i += 2;
      switch (d) {
        case 'Q': {
          const end = pattern.indexOf('\\E', i);
          const text = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
          for (const ch of text) addAtom(lit(ch));
          i = end < 0 ? pattern.length : end + 2;
          continue;
        }
        case 'E': continue;
        case 'A': case 'G': addAnchor('(?<![\\s\\S])'); continue;
        case 'z': addAnchor('(?![\\s\\S])'); continue;
        case 'Z': addAnchor('(?=\\n?(?![\\s\\S]))'); continue;
        case 'b': case 'B': addAnchor(`\\${d}`); continue;
        case 'd': case 'D': case 'w': case 'W': addAtom(`\\${d}`); continue;
        case 's': addAtom(`[${SPACE}]`); continue;
        case 'S': addAtom(`[^${SPACE}]`); continue;
        case 'h': addAtom('[\\t \\xa0]'); continue;
        case 'H': addAtom('[^\\t \\xa0]'); continue;
        case 'v': addAtom('[\\n\\v\\f\\r\\x85]'); continue;
        case 'V': addAtom('[^\\n\\v\\f\\r\\x85]'); continue;
        case 'R': addAtom('(?:\\r\\n|[\\n\\v\\f\\r\\x85])'); continue;
        case 'N':
          if (pattern[i] === '{') refuse('\\N{...} (named characters)');
          addAtom('[^\\n]');
          continue;
        case 'K': refuse('\\K (reset the match start)');
        case 'p': case 'P': refuse(`\\${d}{...} (Unicode properties)`);
        case 'X': case 'C': refuse(`\\${d}`);
        case 'k': {
          const open = pattern[i];
          const close = open === '<' ? '>' : open === "'" ? "'" : open === '{' ? '}' : undefined;
          const end = close === undefined ? -1 : pattern.indexOf(close, i + 1);
          if (end < 0) throw new Error('\\k must be followed by <name>, \'name\' or {name}');
          namedRef(pattern.slice(i + 1, end));
          i = end + 1;
          continue;
        }
        case 'g': {
          if (pattern[i] === '<' || pattern[i] === "'") refuse('\\g<...> (subroutine call)');
          let ref: string;
          if (pattern[i] === '{') {
            const end = pattern.indexOf('}', i);
            if (end < 0) throw new Error('\\g{ not closed');
            ref = pattern.slice(i + 1, end);
            i = end + 1;
          } else {
            ref = /^[+-]?\d+/.exec(pattern.slice(i))?.[0] ?? '';
            if (ref === '') throw new Error('\\g must be followed by a number or a {name}');
            i += ref.length;
          }
          if (/^-\d+$/.test(ref)) backref(groups - Number(ref.slice(1)) + 1);
          else if (/^\+\d+$/.test(ref)) refuse('\\g{+n} (a relative forward reference)');
          else if (/^\d+$/.test(ref)) backref(Number(ref));
          else namedRef(ref);
          continue;
        }
      }
      if (d >= '1' && d <= '9') {
        const digits = /^\d*/.exec(pattern.slice(i))![0];
        const n = Number(d + digits);
        if (n < 10 || n <= totalGroups) { backref(n); i += digits.length; continue; }
        refuse(`\\${d}${digits} (an octal escape that looks like a back reference; write \\x{..})`);
      }
      if (/[A-Za-z0-9]/.test(d)) throw new Error(`unrecognized character follows \\ ("\\${d}")`);
      addAtom(lit(d));
      continue;
    }
    if (c === '[') {
      const k = pcreClass(pattern, i);
      addAtom(k.js);
      i = k.next;
      continue;
    }
    if (c === '(') {
      const rest = pattern.slice(i + 1);
      if (rest.startsWith('*')) refuse(`"(${rest.slice(0, rest.indexOf(')') + 1 || rest.length)}" (a backtracking verb or start-of-pattern option)`);
      if (!rest.startsWith('?')) {
        scopes.push({ start: out.length, kind: 'group', saved: cur });
        groups++;
        out += '(';
        atom = -1;
        i++;
        continue;
      }
      const after = rest.slice(1);
      if (after.startsWith('#')) {
        const end = pattern.indexOf(')', i);
        if (end < 0) throw new Error('missing ) after (?# comment');
        i = end + 1;
        continue;
      }
      const simple = /^(:|=|!|<=|<!)/.exec(after);
      if (simple) {
        const assert = simple[1] !== ':';
        scopes.push({ start: out.length, kind: assert ? 'assert' : 'group', saved: cur });
        out += `(?${simple[1]}`;
        atom = -1;
        i += 2 + simple[1]!.length;
        continue;
      }
      const named = /^(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|P<([A-Za-z_]\w*)>)/.exec(after);
      if (named) {
        const name = named[1] ?? named[2] ?? named[3]!;
        if (names.has(name)) refuse(`a second group named "${name}"`);
        names.add(name);
        scopes.push({ start: out.length, kind: 'group', saved: cur });
        groups++;
        out += `(?<${name}>`;
        atom = -1;
        i += 2 + named[0].length;
        continue;
      }
      const backName = /^P=([A-Za-z_]\w*)\)/.exec(after);
      if (backName) { namedRef(backName[1]!); i += 2 + backName[0].length; continue; }
      if (after.startsWith('>')) refuse('the atomic group (?>...)');
      if (after.startsWith('|')) refuse('the branch-reset group (?|...)');
      if (after.startsWith('(')) refuse('the conditional group (?(...)...)');
      if (after.startsWith('C')) refuse('the callout (?C...)');
      if (/^(R|[+-]?\d|&|P>)/.test(after)) refuse(`"(?${after.slice(0, after.indexOf(')') + 1)}" (recursion or a subroutine call)`);
      const opts = /^([imsxnUJ^-]*)(\)|:)/.exec(after);
      if (!opts) throw new Error(`unrecognized character after (? ("(?${after.slice(0, 6)}")`);
      const whole = opts[2] === ')' && out === '' && scopes.length === 0;
      const next = applyOptions(opts[1]!, whole);
      i += 2 + opts[0].length;
      if (opts[2] === ')') { cur = next; continue; } // lasts to the end of the enclosing group
      scopes.push({ start: out.length, kind: 'group', saved: cur });
      cur = next;
      out += '(?:';
      atom = -1;
      continue;
    }
    if (c === ')') {
      const s = scopes.pop();
      if (!s) throw new Error('unmatched closing parenthesis');
      out += ')';
      cur = s.saved;
      if (s.kind === 'assert') addAnchor(''); else { atom = s.start; quantified = false; }
      i++;
      continue;
    }
    i++;
    switch (c) {
      case '|': out += '|'; atom = -1; quantified = false; continue;
      case '.': addAtom(cur.dotall ? '[\\s\\S]' : '[^\\n]'); continue;
      case '^': addAnchor(caret()); continue;
      case '$': addAnchor(dollar()); continue;
      default: addAtom(lit(c));
    }
  }
  if (scopes.length) throw new Error('missing closing parenthesis');
  const source = o.anchored ? `(?<![\\s\\S])(?:${out})` : out;
  return { source, flags: globalIcase ? 'i' : '', groups, warnings: [] };
}

export { Refused as PcreRefused };
