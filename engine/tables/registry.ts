// The table registry (Postfix dict_open.c): "type:name" → an opener. A spec that names an
// unknown type, or a table that fails to open or parse, gives a surrogate whose lookups answer
// "error" (never "not found"); openTable never throws. tableSpecProblem() is the load-time
// check for configs: an unknown type or a malformed inline/static spec is a config error.
import path from 'node:path';
import { parseCidrTable } from './backends/cidr';
import { parseHashSource } from './backends/hash';
import { parseInline } from './backends/inline';
import { parseRegexpTable } from './backends/regexp';
import { parseStatic } from './backends/static';
import { openFileTable, type FileTableOptions } from './file-table';
import { surrogateTable } from './surrogate';
import type { Parsed, Table, TableHealth, TableOpener } from './types';

export interface OpenOptions extends FileTableOptions {
  /** Folder that relative file names resolve against (the config file's folder). */
  baseDir: string;
}

interface FileType {
  kind: 'file';
  pattern: boolean;
  parse: (text: string, file: string) => Parsed;
}
interface SpecType {
  kind: 'spec';
  pattern: boolean;
  parse: (name: string) => Parsed;
}

const TYPES: Record<string, FileType | SpecType> = {
  texthash: { kind: 'file', pattern: false, parse: (t, f) => parseHashSource(t, f, 'texthash') },
  hash: { kind: 'file', pattern: false, parse: (t, f) => parseHashSource(t, f, 'hash') },
  regexp: { kind: 'file', pattern: true, parse: (t, f) => parseRegexpTable(t, f, 'regexp') },
  pcre: { kind: 'file', pattern: true, parse: (t, f) => parseRegexpTable(t, f, 'pcre') },
  cidr: { kind: 'file', pattern: true, parse: parseCidrTable },
  inline: { kind: 'spec', pattern: false, parse: parseInline },
  static: { kind: 'spec', pattern: false, parse: parseStatic },
};

/** Table types this engine reads. "fail:" is Postfix's always-failing table (for tests). */
export const TABLE_TYPES: readonly string[] = [...Object.keys(TYPES), 'fail'];

const INDEXED = ['btree', 'lmdb', 'cdb', 'dbm', 'sdbm'];

export function splitSpec(spec: string): { type: string; name: string } | undefined {
  const colon = spec.indexOf(':');
  if (colon <= 0) return undefined;
  return { type: spec.slice(0, colon).toLowerCase(), name: spec.slice(colon + 1) };
}

/** Why a spec cannot name a table (unknown type, empty name, bad inline/static syntax), or undefined. */
export function tableSpecProblem(spec: string): string | undefined {
  const s = splitSpec(spec);
  if (!s) return `"${spec}" is not a table: need type:name, e.g. texthash:tables/access`;
  if (s.type === 'fail') return s.name === '' ? `"${spec}": fail: needs a label (fail:name)` : undefined;
  const t = TYPES[s.type];
  if (!t) {
    const hint = INDEXED.includes(s.type) ? ` (point texthash: or hash: at the text source file instead)` : '';
    return `unsupported table type "${s.type}" in "${spec}"${hint}; known types: ${TABLE_TYPES.join(', ')}`;
  }
  if (s.name === '') return `"${spec}": the table name is empty`;
  if (t.kind === 'spec') {
    try { t.parse(s.name); } catch (e) { return (e as Error).message; }
  }
  return undefined;
}

/** Opens one table. Never throws: problems become a surrogate answering "error". */
export function openTable(spec: string, o: OpenOptions): Table {
  const problem = tableSpecProblem(spec);
  const s = splitSpec(spec);
  if (problem || !s) return surrogateTable(spec, s?.type ?? '', problem ?? 'bad table spec');
  if (s.type === 'fail') {
    const detail = `${spec}: a fail: table answers every lookup with an error`;
    return { spec, type: 'fail', pattern: false, get: async () => ({ error: 'retry', detail }), health: () => ({ warnings: [] }) };
  }
  const t = TYPES[s.type]!;
  if (t.kind === 'spec') {
    const parsed = t.parse(s.name);
    return { spec, type: s.type, pattern: t.pattern, get: async (k) => parsed.lookup(k), health: () => ({ warnings: parsed.warnings }) };
  }
  const file = path.resolve(o.baseDir, s.name);
  return openFileTable(spec, s.type, file, t.pattern, t.parse, o);
}

export interface TableSet extends TableOpener {
  /** Every table opened so far, with its state (for startup reports and the UI). */
  list(): Array<{ spec: string } & TableHealth>;
  close(): void;
}

/** One Table per spec string, opened on first use and kept (the engine's table cache). */
export function createTableSet(o: OpenOptions): TableSet {
  const tables = new Map<string, Table>();
  return {
    open(spec) {
      let t = tables.get(spec);
      if (!t) {
        t = openTable(spec, o);
        tables.set(spec, t);
      }
      return t;
    },
    list: () => [...tables.values()].map((t) => ({ spec: t.spec, ...t.health() })),
    close() {
      for (const t of tables.values()) t.close?.();
      tables.clear();
    },
  };
}
