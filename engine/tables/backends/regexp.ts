// regexp: and pcre: tables (regexp_table(5), pcre_table(5); dict_regexp.c, dict_pcre.c):
//   /pattern/flags result        first match wins, top to bottom
//   !/pattern/flags result       fires when the pattern does NOT match (no $n in the result)
//   /pat1/!/pat2/ result         regexp: only: pat1 matches and pat2 does not
//   if /pattern/flags ... endif  a block tried only when the pattern matches; blocks nest
// Any non-alphanumeric, non-space character delimits a pattern. A line Postfix would skip (bad
// pattern, unknown flag, bad $n, stray endif, unrecognized text) makes the whole table fail to
// load with file:line, so its lookups answer "error" rather than quietly missing a rule.
import { logicalLines, isSpace, trimEnd } from '../lines';
import { translatePcre } from '../pcre-regex';
import { translatePosix, type Translated } from '../posix-regex';
import { expand, parseReplacement, type Replacement } from '../replacement';
import { TableSyntaxError, type Lookup, type Parsed } from '../types';

export type Dialect = 'regexp' | 'pcre';

interface Pattern {
  re: RegExp;
  match: boolean;
  groups: number;
}

type Rule =
  | { op: 'match'; line: number; first: Pattern; second?: Pattern; result: Replacement }
  | { op: 'if'; line: number; pat: Pattern; endif: number }
  | { op: 'endif'; line: number };

interface RawPattern {
  source: string;
  flags: string;
  match: boolean;
}

/** Reads "[!...]<delim>pattern<delim>flags" at the start of text; returns it and the rest. */
function readPattern(text: string, dialect: Dialect): { pat: RawPattern; rest: string } {
  let i = 0;
  let match = true;
  for (; i < text.length; i++) {
    if (text[i] === '!') match = !match;
    else if (!isSpace(text[i])) break;
  }
  if (i >= text.length) throw new Error('no regexp');
  const delim = text[i]!;
  const start = ++i;
  for (; i < text.length; i++) {
    if (text[i] === '\\') { if (i + 1 < text.length) i++; else { i = text.length; break; } }
    else if (text[i] === delim) break;
  }
  if (i >= text.length) throw new Error(`no closing regexp delimiter "${delim}"`);
  const source = text.slice(start, i);
  i++;
  let flags = '';
  while (i < text.length && !isSpace(text[i]) && !(dialect === 'regexp' && text[i] === '!')) flags += text[i++];
  return { pat: { source, flags, match }, rest: text.slice(i) };
}

function compile(raw: RawPattern, dialect: Dialect, warnings: string[]): Pattern {
  let t: Translated;
  if (dialect === 'regexp') {
    const o = { icase: true, extended: true, newline: false };
    for (const f of raw.flags) {
      if (f === 'i') o.icase = !o.icase;
      else if (f === 'x') {
        o.extended = !o.extended;
        if (!o.extended) warnings.push('the "x" flag switches a regexp: pattern to basic syntax (BRE): ( ) { } + ? | become literals; it does not ignore white space as in pcre:');
      }
      else if (f === 'm') o.newline = !o.newline;
      else throw new Error(`unknown regexp option "${f}"`);
    }
    t = translatePosix(raw.source, o);
  } else {
    const o = { icase: true, dotall: true, multiline: false, extended: false, anchored: false, dollarEndOnly: false, ungreedy: false };
    for (const f of raw.flags) {
      switch (f) {
        case 'i': o.icase = !o.icase; break;
        case 'm': o.multiline = !o.multiline; break;
        case 's': o.dotall = !o.dotall; break;
        case 'x': o.extended = !o.extended; break;
        case 'A': o.anchored = !o.anchored; break;
        case 'E': o.dollarEndOnly = !o.dollarEndOnly; break;
        case 'U': o.ungreedy = !o.ungreedy; break;
        case 'X': warnings.push('ignoring obsolete regexp option "X"'); break;
        default: throw new Error(`unknown regexp option "${f}"`);
      }
    }
    t = translatePcre(raw.source, o);
  }
  warnings.push(...t.warnings);
  let re: RegExp;
  try {
    re = new RegExp(t.source, t.flags);
  } catch (e) {
    throw new Error(`${(e as Error).message.replace(/^Invalid regular expression: /, 'invalid regular expression: ')} (from /${raw.source}/)`);
  }
  return { re, match: raw.match, groups: t.groups };
}

function parseRule(text: string, dialect: Dialect, nesting: number, warnings: string[]): Rule | undefined {
  const line = 0;
  if (!/^[A-Za-z0-9]/.test(text)) {
    const a = readPattern(text, dialect);
    let rest = a.rest;
    let second: RawPattern | undefined;
    if (dialect === 'regexp' && rest.startsWith('!')) {
      const b = readPattern(rest, dialect);
      second = b.pat;
      rest = b.rest;
    }
    const resultText = rest.replace(/^[ \t\n\v\f\r]+/, '');
    if (resultText === '') warnings.push('no replacement text: using empty string');
    const result = parseReplacement(resultText);
    if (result.maxSub > 0 && !a.pat.match) throw new Error('$number found in negative match replacement text');
    const first = compile(a.pat, dialect, warnings);
    if (result.maxSub > first.groups) throw new Error(`out of range replacement index "${result.maxSub}" (the pattern has ${first.groups} group${first.groups === 1 ? '' : 's'})`);
    const rule: Rule = { op: 'match', line, first, result };
    if (second) rule.second = compile(second, dialect, warnings);
    return rule;
  }
  if (/^if(?![A-Za-z0-9])/i.test(text)) {
    const a = readPattern(text.slice(2).replace(/^[ \t\n\v\f\r]+/, ''), dialect);
    if (a.rest.trim() !== '') warnings.push(`ignoring extra text after IF statement: "${a.rest.trim()}" (do not indent the lines between IF and ENDIF)`);
    return { op: 'if', line, pat: compile(a.pat, dialect, warnings), endif: -1 };
  }
  if (/^endif(?![A-Za-z0-9])/i.test(text)) {
    if (nesting === 0) throw new Error('ENDIF without matching IF');
    if (text.slice(5).trim() !== '') warnings.push('ignoring extra text after ENDIF');
    return { op: 'endif', line };
  }
  throw new Error(`unrecognized request: "${text.slice(0, 40)}"`);
}

export function parseRegexpTable(text: string, file: string, dialect: Dialect): Parsed {
  const rules: Rule[] = [];
  const warnings: string[] = [];
  const stack: number[] = [];
  for (const l of logicalLines(text, file)) {
    const body = trimEnd(l.text);
    if (body === '') continue;
    const w: string[] = [];
    let rule: Rule | undefined;
    try {
      rule = parseRule(body, dialect, stack.length, w);
    } catch (e) {
      throw new TableSyntaxError(file, l.line, (e as Error).message);
    }
    for (const m of w) warnings.push(`${file}, line ${l.line}: ${m}`);
    if (!rule) continue;
    rule.line = l.line;
    if (rule.op === 'if') stack.push(rules.length);
    if (rule.op === 'endif') {
      const at = stack.pop()!;
      (rules[at] as Extract<Rule, { op: 'if' }>).endif = rules.length;
    }
    rules.push(rule);
  }
  for (const at of stack) warnings.push(`${file}, line ${rules[at]!.line}: IF has no matching ENDIF`);

  const test = (p: Pattern, key: string): boolean => { p.re.lastIndex = 0; return p.re.test(key) === p.match; };
  return {
    warnings,
    lookup(key): Lookup {
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i]!;
        if (r.op === 'endif') continue;
        if (r.op === 'if') {
          if (test(r.pat, key)) continue;
          if (r.endif < 0) return { found: false }; // an IF without ENDIF: nothing after it applies
          i = r.endif;
          continue;
        }
        let groups: RegExpExecArray | null = null;
        if (r.result.maxSub > 0) {
          groups = r.first.re.exec(key);
          if (!groups) continue;
        } else if (!test(r.first, key)) continue;
        if (r.second && !test(r.second, key)) continue;
        return { found: true, value: groups ? expand(r.result, groups) : expand(r.result, []), line: r.line };
      }
      return { found: false };
    },
  };
}
