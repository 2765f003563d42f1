// The engine's virtual_alias_maps: which domains are virtual alias domains (those of the
// tables' keys, plus virtual_alias_domains: only their listed addresses exist), and the
// expansion of accepted recipients (virtual.ts). Reads tables; writes nothing.
import type { Table } from '../tables';
import { expandVirtual, type Expansion } from './virtual';

export interface VirtualAliases {
  /** Is this a virtual alias domain (not one of `domains`)? */
  isAliasDomain(domain: string): boolean;
  /** Does this address exist in a virtual alias domain? 'error' when a table lookup failed. */
  exists(address: string): Promise<'yes' | 'no' | 'error'>;
  expand(address: string): Promise<Expansion>;
}

export function createVirtualAliases(o: { tables: readonly Table[]; domains: readonly string[]; extraDomains: readonly string[]; myorigin: string; delimiter: string }): VirtualAliases {
  const ours = new Set(o.domains.map((d) => d.toLowerCase()));
  const isLocalDomain = (d: string) => ours.has(d.toLowerCase());
  const aliasDomains = (): Set<string> => {
    const out = new Set(o.extraDomains.map((d) => d.toLowerCase()));
    for (const t of o.tables) {
      for (const k of t.keys?.() ?? []) {
        const at = k.lastIndexOf('@');
        if (at >= 0 && at < k.length - 1) out.add(k.slice(at + 1));
      }
    }
    for (const d of ours) out.delete(d);
    return out;
  };
  const expand = (address: string) => expandVirtual(address, { tables: o.tables, isLocalDomain, myorigin: o.myorigin, delimiter: o.delimiter });
  return {
    isAliasDomain: (domain) => aliasDomains().has(domain.toLowerCase()),
    async exists(address) {
      const e = await expand(address);
      if (!e.ok) return e.status === '4.3.0' ? 'error' : 'yes';
      return e.steps.length > 0 ? 'yes' : 'no';
    },
    expand,
  };
}
