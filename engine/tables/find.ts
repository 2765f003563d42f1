// Searching several tables (Postfix maps_find): the first table that has the key answers; the
// first error stops the search and is the answer (an error is never "not found"). A partial key
// (a parent domain, user@, a subnet) is never sent to a pattern table (regexp, pcre, cidr).
import type { Lookup, Table } from './types';

export interface Hit {
  lookup: Lookup;
  /** The table that answered (found or error). */
  table?: Table;
}

export async function findFirst(tables: readonly Table[], key: string, partial = false): Promise<Hit> {
  for (const table of tables) {
    if (partial && table.pattern) continue;
    const lookup = await table.get(key);
    if ('error' in lookup || lookup.found) return { lookup, table };
  }
  return { lookup: { found: false } };
}
