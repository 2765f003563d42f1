// texthash: and hash: tables, read from the Postfix text source ("key whitespace value"
// lines, dict_thash.c / postmap.c). Keys are folded to lower case, as Postfix folds fixed-string
// keys (DICT_FLAG_FOLD_FIX) on update and on lookup. A key keeps its quotes; white space inside
// "..." or after a backslash does not end it. A duplicate key is an error for texthash: (as
// smtpd opens it) and a warning for hash: (postmap keeps the first entry).
import { isSpace, logicalLines, trimEnd } from '../lines';
import { TableSyntaxError, type Parsed } from '../types';

export interface Entry {
  value: string;
  line: number;
}

/** Splits a logical line into key and value as dict_thash.c does; throws a reason. */
export function splitKeyValue(text: string): { key: string; value: string } {
  let inQuotes = false;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') { i++; continue; }
    if (isSpace(c)) { if (!inQuotes) break; }
    else if (c === '"') inQuotes = !inQuotes;
  }
  if (inQuotes) throw new Error(`unbalanced '"' in '${text}'`);
  const key = text.slice(0, Math.min(i, text.length));
  let j = i + 1;
  while (j < text.length && isSpace(text[j])) j++;
  const value = trimEnd(text.slice(j));
  if (key === '' || value === '') throw new Error('expected format: key whitespace value');
  return { key, value };
}

export function parseHashSource(text: string, file: string, type: 'texthash' | 'hash'): Parsed & { entries: Map<string, Entry> } {
  const entries = new Map<string, Entry>();
  const warnings: string[] = [];
  for (const l of logicalLines(text, file)) {
    let kv: { key: string; value: string };
    try { kv = splitKeyValue(l.text); } catch (e) { throw new TableSyntaxError(file, l.line, (e as Error).message); }
    if (kv.key.endsWith(':')) warnings.push(`${file}, line ${l.line}: record is in "key: value" format; is this an alias file?`);
    const key = kv.key.toLowerCase();
    const seen = entries.get(key);
    if (seen) {
      const msg = `duplicate entry: "${kv.key}" (first at line ${seen.line})`;
      if (type === 'texthash') throw new TableSyntaxError(file, l.line, msg);
      warnings.push(`${file}, line ${l.line}: ${msg}; the first entry is used`);
      continue;
    }
    entries.set(key, { value: kv.value, line: l.line });
  }
  return {
    entries,
    warnings,
    keys: () => [...entries.keys()],
    lookup(k) {
      const e = entries.get(k.toLowerCase());
      return e ? { found: true, value: e.value, line: e.line } : { found: false };
    },
  };
}
