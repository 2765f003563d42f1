// relaylab postmap -q KEY TYPE:FILE, as Postfix's "postmap -q": print the value and exit 0,
// exit 1 when the key is not found, exit 2 with a message when the table cannot answer (bad
// spec, unreadable file, a line that does not parse, a fail: table). The key is sent as given;
// fixed-string tables fold it to lower case themselves, as postmap does by default.
import { openTable, tableSpecProblem } from './registry';

export interface PostmapResult {
  exit: number;
  /** For exit 0: the value and a newline (stdout). For exit 2: the error line (stderr). */
  out: string;
  /** Lines Postfix would warn about while loading the table (stderr). */
  warnings: string[];
}

export async function postmapQuery(key: string, spec: string, baseDir: string): Promise<PostmapResult> {
  const problem = tableSpecProblem(spec);
  if (problem) return { exit: 2, out: `relaylab postmap: fatal: ${problem}\n`, warnings: [] };
  const table = openTable(spec, { baseDir, reloadCheckMs: 60_000 });
  const warnings = [...table.health().warnings];
  try {
    const r = await table.get(key);
    if ('error' in r) return { exit: 2, out: `relaylab postmap: fatal: table ${spec}: query error: ${r.detail}\n`, warnings };
    return r.found ? { exit: 0, out: `${r.value}\n`, warnings } : { exit: 1, out: '', warnings };
  } finally {
    table.close?.();
  }
}
