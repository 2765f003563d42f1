// Result text of regexp/pcre rules: "$1".."$n", "${n}", "$(n)" take the n-th captured group,
// "$$" is a literal "$" (Postfix mac_parse.c + dict_regexp_prescan). Anything else after a "$"
// is refused when the table is loaded, as Postfix refuses the rule.

export type Part = string | number;

export interface Replacement {
  parts: Part[];
  /** The highest $n used (0: plain text). */
  maxSub: number;
}

/** Parses replacement text; throws an Error whose message says what is wrong. */
export function parseReplacement(text: string): Replacement {
  const parts: Part[] = [];
  let lit = '';
  let maxSub = 0;
  const flush = () => { if (lit !== '') { parts.push(lit); lit = ''; } };
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c !== '$') { lit += c; i++; continue; }
    if (text[i + 1] === '$') { lit += '$'; i += 2; continue; }
    let name: string;
    const open = text[i + 1];
    if (open === '(' || open === '{') {
      const close = open === '(' ? ')' : '}';
      let level = 1;
      let j = i + 2;
      for (; j < text.length && level > 0; j++) {
        if (text[j] === open) level++;
        else if (text[j] === close) level--;
      }
      if (level > 0) throw new Error(`truncated macro reference in "${text}"`);
      name = text.slice(i + 2, j - 1);
      i = j;
    } else {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      name = text.slice(i + 1, j);
      i = j;
    }
    if (name === '') throw new Error(`empty macro name in "${text}" (write $$ for a literal $)`);
    if (!/^\d+$/.test(name)) throw new Error(`non-numeric replacement index "${name}" (only $1..$n are substituted; write $$ for a literal $)`);
    const n = Number(name);
    if (n < 1) throw new Error(`out-of-range replacement index "${name}"`);
    flush();
    parts.push(n);
    maxSub = Math.max(maxSub, n);
  }
  flush();
  return { parts, maxSub };
}

/** The replacement with each $n taken from the match (an unmatched group is empty). */
export function expand(r: Replacement, groups: ArrayLike<string | undefined>): string {
  if (r.maxSub === 0) return r.parts.join('');
  let out = '';
  for (const p of r.parts) out += typeof p === 'string' ? p : groups[p] ?? '';
  return out;
}
