// Lookup tables (Postfix dict): one tiny interface, three-valued answers. A table never throws
// for a lookup: "not found" and "error" are different values, and a caller maps an error to a
// temporary failure (451), never to "not found" (Postfix dict.h: "errors must be negative").

/** found (with the source line that answered, when the table has lines), not found, or error. */
export type Lookup =
  | { found: true; value: string; line?: number }
  | { found: false }
  | { error: 'retry' | 'config'; detail: string };

export type Found = Extract<Lookup, { found: true }>;
export type LookupError = Extract<Lookup, { error: string }>;

export const isFound = (l: Lookup): l is Found => 'found' in l && l.found;
export const isError = (l: Lookup): l is LookupError => 'error' in l;

/** What a table can say about its own state (for startup reports, the UI and postmap). */
export interface TableHealth {
  /** Why every lookup currently answers error (file:line: reason), if it does. */
  error?: string;
  /** Lines Postfix would accept with a warning (they work; the user may want to know). */
  warnings: readonly string[];
}

export interface Table {
  /** The spec as given: "texthash:tables/sender_access". */
  readonly spec: string;
  /** The type before the colon: texthash, hash, regexp, pcre, cidr, inline, static. */
  readonly type: string;
  /**
   * Pattern tables (regexp, pcre, cidr) answer only full-string queries: the access(5) walk
   * never sends them partial keys (parent domains, user@, subnets). Postfix DICT_FLAG_PATTERN.
   */
  readonly pattern: boolean;
  get(key: string): Promise<Lookup>;
  /** The keys of an indexed table (texthash, hash, inline), for virtual alias domains; undefined for others. */
  keys?(): readonly string[] | undefined;
  health(): TableHealth;
  close?(): void;
}

/** How the engine hands tables to whoever needs them: one Table per spec, opened once. */
export interface TableOpener {
  open(spec: string): Table;
}

/** A parse problem: the file, the line and what is wrong (Postfix "file, line N: ..."). */
export class TableSyntaxError extends Error {
  constructor(readonly file: string, readonly line: number, readonly reason: string) {
    super(`${file}, line ${line}: ${reason}`);
    this.name = 'TableSyntaxError';
  }
}

/** What a backend's parser hands back: a matcher over the parsed content, plus warnings. */
export interface Parsed {
  lookup(key: string): Lookup;
  keys?(): readonly string[];
  warnings: string[];
}
