// A table read from a file, kept in memory and re-read when the file changes. The first load
// is synchronous (so problems are known when the table is opened); afterwards each lookup
// checks the file's identity (inode, size, mtime, ctime) at most once per `reloadCheckMs`, and
// a changed file is re-read before the lookup answers. A file that fails to parse, or cannot be
// read, makes every lookup answer "error" (with file:line) until a good version appears.
import fs from 'node:fs';
import { TableSyntaxError, type Lookup, type Parsed, type Table, type TableHealth } from './types';

export interface FileTableOptions {
  /** How often a lookup may stat the file (ms). Default 1000; 0 checks on every lookup. */
  reloadCheckMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

type Parse = (text: string, file: string) => Parsed;

interface State {
  parsed?: Parsed;
  error?: string;
  warnings: string[];
  stamp: string;
}

const stampOf = (st: fs.Stats): string => `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

function describe(file: string, e: unknown): string {
  if (e instanceof TableSyntaxError) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
  return `${file}: cannot read the table: ${why}`;
}

export function openFileTable(spec: string, type: string, file: string, pattern: boolean, parse: Parse, o: FileTableOptions = {}): Table {
  const interval = o.reloadCheckMs ?? 1000;
  const now = o.now ?? Date.now;

  const load = (text: string, stamp: string): State => {
    try {
      const parsed = parse(text, file);
      return { parsed, warnings: parsed.warnings, stamp };
    } catch (e) {
      return { error: describe(file, e), warnings: [], stamp };
    }
  };

  let state: State;
  try {
    const st = fs.statSync(file);
    state = load(fs.readFileSync(file, 'utf8'), stampOf(st));
  } catch (e) {
    state = { error: describe(file, e), warnings: [], stamp: 'unreadable' };
  }
  let lastCheck = now();
  let pending: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    lastCheck = now();
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(file);
    } catch (e) {
      state = { error: describe(file, e), warnings: [], stamp: 'unreadable' };
      return;
    }
    const stamp = stampOf(st);
    if (stamp === state.stamp) return;
    try {
      state = load(await fs.promises.readFile(file, 'utf8'), stamp);
    } catch (e) {
      state = { error: describe(file, e), warnings: [], stamp: 'unreadable' };
    }
  }

  return {
    spec,
    type,
    pattern,
    keys: () => state.parsed?.keys?.(),
    async get(key: string): Promise<Lookup> {
      if (now() - lastCheck >= interval) {
        pending ??= refresh().finally(() => { pending = undefined; });
        await pending;
      }
      if (!state.parsed) return { error: 'config', detail: state.error ?? `${file}: not loaded` };
      return state.parsed.lookup(key);
    },
    health(): TableHealth {
      return state.error === undefined ? { warnings: state.warnings } : { error: state.error, warnings: state.warnings };
    },
  };
}
