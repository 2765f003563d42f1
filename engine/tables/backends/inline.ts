// inline:{ key=value, { key = value with spaces }, ... } (dict_inline.c): the table is written
// in the spec itself. Items are separated by commas or white space; an item in braces may hold
// spaces. Keys are folded to lower case like any fixed-string table; a later key replaces an
// earlier one (Postfix does no duplicate check here).
import { isSpace, trimEnd } from '../lines';
import type { Parsed } from '../types';

/** "{ text }" → "text" (outer white space stripped); throws on a missing or misplaced "}". */
export function stripBraces(s: string, what: string): string {
  let level = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') level++;
    else if (s[i] === '}' && --level === 0) {
      if (i !== s.length - 1) throw new Error(`bad ${what} syntax: syntax error after '}' in "${s}"`);
      return s.slice(1, i).trim();
    }
  }
  throw new Error(`bad ${what} syntax: missing '}' in "${s}"`);
}

/** Splits on commas and white space outside braces (Postfix mystrtokq with "{}"). */
export function splitOutsideBraces(s: string, separators = ', \t\n\r'): string[] {
  const out: string[] = [];
  let cur = '';
  let level = 0;
  for (const c of s) {
    if (level === 0 && separators.includes(c)) {
      if (cur !== '') out.push(cur);
      cur = '';
      continue;
    }
    if (c === '{') level++;
    else if (c === '}' && level > 0) level--;
    cur += c;
  }
  if (cur !== '') out.push(cur);
  return out;
}

function nameValue(item: string): { name: string; value: string } {
  let i = 0;
  while (i < item.length && isSpace(item[i])) i++;
  const start = i;
  while (i < item.length && item[i] !== '=' && !isSpace(item[i])) i++;
  const name = item.slice(start, i);
  if (name === '') throw new Error('missing attribute name');
  while (i < item.length && isSpace(item[i])) i++;
  if (item[i] !== '=') throw new Error(`missing '=' after attribute name "${name}"`);
  i++;
  while (i < item.length && isSpace(item[i])) i++;
  return { name, value: trimEnd(item.slice(i)) };
}

export function parseInline(name: string): Parsed {
  const bad = (why: string) => new Error(`${why}: "inline:${name}"; need "inline:{name=value...}"`);
  if (!name.startsWith('{')) throw bad('bad syntax');
  let body: string;
  try { body = stripBraces(name, 'inline:'); } catch { throw bad('bad syntax'); }
  const map = new Map<string, string>();
  for (const raw of splitOutsideBraces(body)) {
    let item = raw;
    try {
      if (item.startsWith('{')) item = stripBraces(item, 'inline:');
      const { name: k, value } = nameValue(item);
      map.set(k.toLowerCase(), value);
    } catch (e) {
      throw bad((e as Error).message);
    }
  }
  if (map.size === 0) throw bad('empty table');
  return {
    warnings: [],
    lookup(k) {
      const v = map.get(k.toLowerCase());
      return v === undefined ? { found: false } : { found: true, value: v };
    },
  };
}
