// regexp: tables are POSIX regular expressions (regcomp(3), as glibc compiles them for Postfix):
// extended syntax (ERE) by default, basic syntax (BRE) when the "x" flag turns ERE off. This file
// translates one into a JavaScript RegExp source that matches the same strings. What it changes:
//  - "." and "[^...]" match a newline unless the "m" flag (REG_NEWLINE) is given; "^"/"$" are
//    written as look-arounds, so no JavaScript m/s flag is involved;
//  - a backslash inside [...] is an ordinary character, as POSIX says;
//  - [:alpha:] and the other classes are spelled out (C locale);
//  - GNU escapes \w \W \s \S \b \B \< \> \` \' work; any other "\x" is the character x
//    (so "\d" is the letter d, as in Postfix: noted as a warning);
//  - stacked repetition ("a+?", "a**") means "(a+)?" as in POSIX, never a lazy quantifier;
//  - "{,n}" is "{0,n}" (glibc); an unmatched ")" in ERE is an ordinary character (glibc).
// POSIX picks the leftmost-longest match, JavaScript the leftmost-first: whether a rule matches
// is the same, but the text $1..$n capture can differ when alternatives overlap (see README.md).

export interface PosixOptions {
  icase: boolean;
  /** ERE (true, the default) or BRE (false: the "x" flag). */
  extended: boolean;
  /** REG_NEWLINE (the "m" flag): "." and [^...] do not match a newline; ^/$ work per line. */
  newline: boolean;
}

export interface Translated {
  source: string;
  flags: string;
  /** Number of capture groups (Postfix re_nsub), for checking $n in the result. */
  groups: number;
  warnings: string[];
}

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: '0-9a-zA-Z', upper: 'A-Z', lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f', xdigit: '0-9A-Fa-f',
};
const DUP_MAX = 32767;

/** A character as a JavaScript literal outside a class. */
function lit(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** A character as a JavaScript literal inside [...]. */
function classLit(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}

/** Parses a bracket expression starting at text[i] === "["; returns the JS class and the next index. */
export function posixBracket(text: string, i: number, newline: boolean): { js: string; next: number } {
  let j = i + 1;
  let negate = false;
  if (text[j] === '^') { negate = true; j++; }
  let body = '';
  let first = true;
  /** One element: a collating element [.x.], an equivalence class [=x=], or a plain character. */
  const element = (): { ch?: string; cls?: string } => {
    const c = text[j];
    if (c === '[' && (text[j + 1] === ':' || text[j + 1] === '=' || text[j + 1] === '.')) {
      const kind = text[j + 1]!;
      const end = text.indexOf(`${kind}]`, j + 2);
      if (end < 0) throw new Error(`unterminated [${kind} in a bracket expression`);
      const name = text.slice(j + 2, end);
      j = end + 2;
      if (kind === ':') {
        const cls = CLASSES[name];
        if (cls === undefined) throw new Error(`unknown character class [:${name}:]`);
        return { cls };
      }
      if ([...name].length !== 1) throw new Error(`collating element [${kind}${name}${kind}] is not supported (only single characters)`);
      return { ch: name };
    }
    j++;
    return { ch: c };
  };
  for (;;) {
    if (j >= text.length) throw new Error('unmatched [ (bracket expression not closed)');
    if (text[j] === ']' && !first) { j++; break; }
    first = false;
    const a = element();
    if (a.cls !== undefined) { body += a.cls; continue; }
    if (text[j] === '-' && j + 1 < text.length && text[j + 1] !== ']') {
      j++;
      const b = element();
      if (b.cls !== undefined || b.ch === undefined) throw new Error('a character class cannot end a range');
      if (a.ch! > b.ch) throw new Error(`invalid range end in ${a.ch}-${b.ch}`);
      body += `${classLit(a.ch!)}-${classLit(b.ch)}`;
      continue;
    }
    body += classLit(a.ch!);
  }
  if (negate) return { js: `[^${body}${newline ? '\\n' : ''}]`, next: j };
  return { js: `[${body}]`, next: j };
}

export function translatePosix(pattern: string, o: PosixOptions): Translated {
  const ere = o.extended;
  const warnings: string[] = [];
  let out = '';
  /** Where the last quantifiable atom starts in `out` (-1: none, a quantifier is not allowed). */
  let atom = -1;
  let quantified = false;
  let groups = 0;
  let closed = 0;
  const open: number[] = [];
  /** BRE: the position just after a start-of-RE context (start, "\(", "\|"). */
  let atStart = true;

  const addAtom = (js: string) => { atom = out.length; out += js; quantified = false; atStart = false; };
  const addAnchor = (js: string) => { out += js; atom = -1; quantified = false; atStart = false; };
  const quantify = (q: string, what: string) => {
    if (atom < 0) throw new Error(`repetition operator "${what}" with nothing before it`);
    if (quantified) out = `${out.slice(0, atom)}(?:${out.slice(atom)})`;
    out += q;
    quantified = true;
  };
  /** Parses an interval body "m", "m,", "m,n" or ",n" ending at "}" (ERE) or "\}" (BRE). */
  const interval = (i: number): { q: string; next: number } => {
    const close = ere ? '}' : '\\}';
    const end = pattern.indexOf(close, i);
    if (end < 0) throw new Error('unmatched { (interval not closed)');
    const body = pattern.slice(i, end);
    const m = /^(\d*)(,?)(\d*)$/.exec(body);
    if (!m || (m[1] === '' && m[2] === '') || (m[1] === '' && m[3] === '' )) throw new Error(`invalid interval {${body}}`);
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[3] === '' ? undefined : Number(m[3]);
    if (lo > DUP_MAX || (hi ?? 0) > DUP_MAX) throw new Error(`interval {${body}} exceeds ${DUP_MAX}`);
    if (hi !== undefined && hi < lo) throw new Error(`invalid interval {${body}}: the maximum is below the minimum`);
    const q = m[2] === '' ? `{${lo}}` : hi === undefined ? `{${lo},}` : `{${lo},${hi}}`;
    return { q, next: end + close.length };
  };
  const openGroup = () => { open.push(out.length); groups++; out += '('; atom = -1; quantified = false; atStart = true; };
  const closeGroup = () => {
    const start = open.pop()!;
    out += ')';
    closed++;
    atom = start;
    quantified = false;
    atStart = false;
  };
  const backref = (n: number) => {
    if (n > closed) throw new Error(`invalid back reference \\${n} (only ${closed} group${closed === 1 ? '' : 's'} closed before it)`);
    addAtom(`(?:\\${n})`);
  };
  const gnuEscape = (c: string): boolean => {
    switch (c) {
      case 'w': case 'W': case 's': case 'S': addAtom(`\\${c}`); return true;
      case 'b': case 'B': addAnchor(`\\${c}`); return true;
      case '<': addAnchor('\\b(?=\\w)'); return true;
      case '>': addAnchor('\\b(?<=\\w)'); return true;
      case '`': addAnchor('(?<![\\s\\S])'); return true;
      case "'": addAnchor('(?![\\s\\S])'); return true;
      default: return false;
    }
  };
  const caret = o.newline ? '(?<![^\\n])' : '(?<![\\s\\S])';
  const dollar = o.newline ? '(?![^\\n])' : '(?![\\s\\S])';

  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === '\\') {
      const d = pattern[i + 1];
      if (d === undefined) throw new Error('trailing backslash');
      i += 2;
      if (!ere) {
        if (d === '(') { openGroup(); continue; }
        if (d === ')') {
          if (!open.length) throw new Error('unmatched \\)');
          closeGroup();
          continue;
        }
        if (d === '{') { const r = interval(i); quantify(r.q, `\\{${pattern.slice(i, r.next - 2)}\\}`); i = r.next; continue; }
        if (d === '}') throw new Error('unmatched \\}');
        if (d === '|') { out += '|'; atom = -1; quantified = false; atStart = true; continue; }
        if (d === '+' || d === '?') { quantify(d, `\\${d}`); continue; }
      }
      if (d >= '1' && d <= '9') { backref(Number(d)); continue; }
      if (gnuEscape(d)) continue;
      if (/[A-Za-z0-9]/.test(d)) warnings.push(`"\\${d}" is the character "${d}" in a POSIX regular expression${d === 'd' ? ' (use [0-9] for a digit)' : ''}`);
      addAtom(lit(d));
      continue;
    }
    if (c === '[') {
      const b = posixBracket(pattern, i, o.newline);
      addAtom(b.js);
      i = b.next;
      continue;
    }
    i++;
    if (c === '.') { addAtom(o.newline ? '[^\\n]' : '[\\s\\S]'); continue; }
    if (ere) {
      switch (c) {
        case '(': openGroup(); continue;
        case ')':
          if (!open.length) { addAtom('\\)'); continue; } // glibc: an unmatched ")" is ordinary
          closeGroup();
          continue;
        case '|': out += '|'; atom = -1; quantified = false; continue;
        case '*': case '+': case '?': quantify(c, c); continue;
        case '{': { const r = interval(i); quantify(r.q, `{${pattern.slice(i, r.next - 1)}}`); i = r.next; continue; }
        case '^': addAnchor(caret); continue;
        case '$': addAnchor(dollar); continue;
        default: addAtom(lit(c)); continue;
      }
    }
    // BRE
    if (c === '*') {
      if (atStart || atom < 0) addAtom('\\*');
      else quantify('*', '*');
      continue;
    }
    if (c === '^' && atStart) { addAnchor(caret); atStart = true; continue; }
    if (c === '$') {
      const rest = pattern.slice(i);
      if (rest === '' || rest.startsWith('\\)') || rest.startsWith('\\|')) { addAnchor(dollar); continue; }
    }
    addAtom(lit(c));
  }
  if (open.length) throw new Error(`unmatched ${ere ? '(' : '\\('}`);
  return { source: out, flags: o.icase ? 'i' : '', groups, warnings };
}
