// A stand-in for a table that could not be opened or parsed (Postfix dict_surrogate.c): every
// lookup answers "error" with the reason, so callers reply 451 and the engine keeps running.
import type { Table } from './types';

export function surrogateTable(spec: string, type: string, detail: string, pattern = false): Table {
  return {
    spec,
    type,
    pattern,
    get: async () => ({ error: 'config', detail }),
    health: () => ({ error: detail, warnings: [] }),
  };
}
