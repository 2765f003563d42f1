// virtual_alias_maps expansion (Postfix cleanup_map1n.c, virtual(5); MTA-SEMANTICS §3.4):
// recursive, one-to-many, `@domain` catch-all, the expand-to-self rule, extension propagation,
// and the limits (past them, or on a lookup error, the expansion fails: the caller defers).
// Every step is recorded: which table, which key, which line, what it became.
import { findFirst, type Table } from '../tables';

export interface ExpansionStep {
  address: string;
  table: string;
  key: string;
  line?: number;
  result: string[];
}

export type Expansion =
  | { ok: true; recipients: { rcpt: string; orig: string }[]; steps: ExpansionStep[] }
  | { ok: false; status: '4.6.0' | '4.3.0'; reason: string; steps: ExpansionStep[] };

export interface VirtualOptions {
  tables: readonly Table[];
  /** Domains that are ours (mydestination): keys without @domain are tried for them. */
  isLocalDomain(domain: string): boolean;
  myorigin: string;
  delimiter: string;
  recursionLimit?: number; // virtual_alias_recursion_limit 1000
  expansionLimit?: number; // virtual_alias_expansion_limit 1000
  addressLengthLimit?: number; // virtual_alias_address_length_limit 1000
}

interface Split { local: string; domain: string; base: string; ext?: string }

function split(address: string, delimiter: string): Split {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at + 1).toLowerCase();
  const d = delimiter ? [...delimiter].map((c) => local.indexOf(c)).filter((i) => i > 0).sort((a, b) => a - b)[0] : undefined;
  return d === undefined ? { local, domain, base: local } : { local, domain, base: local.slice(0, d), ext: local.slice(d) };
}

/** The keys of §3.4 in order, with whether each is partial (never sent to pattern tables). */
function keys(s: Split, localDomain: boolean): { key: string; partial: boolean; stripped: boolean }[] {
  const out: { key: string; partial: boolean; stripped: boolean }[] = [{ key: `${s.local}@${s.domain}`, partial: false, stripped: false }];
  if (s.ext) out.push({ key: `${s.base}@${s.domain}`, partial: true, stripped: true });
  if (localDomain) {
    out.push({ key: s.local, partial: true, stripped: false });
    if (s.ext) out.push({ key: s.base, partial: true, stripped: true });
  }
  out.push({ key: `@${s.domain}`, partial: true, stripped: false });
  return out;
}

export async function expandVirtual(recipient: string, o: VirtualOptions): Promise<Expansion> {
  const recursionLimit = o.recursionLimit ?? 1000;
  const expansionLimit = o.expansionLimit ?? 1000;
  const lengthLimit = o.addressLengthLimit ?? 1000;
  const steps: ExpansionStep[] = [];
  const out: string[] = [];
  const seen = new Set<string>();
  if (o.tables.length === 0) return { ok: true, recipients: [{ rcpt: recipient, orig: recipient }], steps };

  const fail = (status: '4.6.0' | '4.3.0', reason: string): Expansion => ({ ok: false, status, reason, steps });

  // Depth-first, as Postfix does; `path` holds the addresses being expanded (for the self rule).
  const walk = async (address: string, depth: number, path: ReadonlySet<string>): Promise<Expansion | null> => {
    if (depth > recursionLimit) return fail('4.6.0', `Alias expansion error: recursion deeper than ${recursionLimit} at ${address}`);
    if (address.length > lengthLimit) return fail('4.6.0', `Alias expansion error: address longer than ${lengthLimit} characters`);
    const s = split(address, o.delimiter);
    const local = s.domain === '' || o.isLocalDomain(s.domain) || s.domain === o.myorigin.toLowerCase();
    let results: string[] | null = null;
    for (const k of keys(s, local)) {
      const hit = await findFirst(o.tables, k.key.toLowerCase(), k.partial);
      if ('error' in hit.lookup) return fail('4.3.0', `Temporary lookup failure in ${hit.table?.spec ?? 'virtual_alias_maps'}: ${hit.lookup.detail}`);
      if (!hit.lookup.found) continue;
      results = parseResult(hit.lookup.value, s, k.stripped, o.delimiter);
      steps.push({ address, table: hit.table?.spec ?? '', key: k.key, ...(hit.lookup.line ? { line: hit.lookup.line } : {}), result: results });
      break;
    }
    if (!results) { add(address); return null; }
    for (const r of results) {
      const rl = r.toLowerCase();
      if (rl === address.toLowerCase() || path.has(rl)) { add(r); continue; } // expands to itself: keep it, stop
      const err = await walk(r, depth + 1, new Set([...path, rl]));
      if (err) return err;
      if (out.length > expansionLimit) return fail('4.6.0', `Alias expansion error: more than ${expansionLimit} addresses for ${recipient}`);
    }
    return null;
  };
  const add = (a: string): void => {
    const k = a.toLowerCase();
    if (!seen.has(k)) { seen.add(k); out.push(a); }
  };
  const err = await walk(recipient, 0, new Set([recipient.toLowerCase()]));
  if (err) return err;
  if (out.length > expansionLimit) return fail('4.6.0', `Alias expansion error: more than ${expansionLimit} addresses for ${recipient}`);
  return { ok: true, recipients: out.map((rcpt) => ({ rcpt, orig: recipient })), steps };
}

/** "a@x, b@y" / "@other.example" / "b" → addresses, with the extension carried over (propagate_unmatched_extensions). */
function parseResult(value: string, s: Split, stripped: boolean, delimiter: string): string[] {
  const parts = value.split(/[\s,]+/).filter(Boolean);
  return parts.map((p, i) => {
    let addr = p;
    if (i === 0 && p.startsWith('@')) addr = `${stripped ? s.base : s.local}${p}`; // same local part at another domain
    if (stripped && s.ext && delimiter) {
      const at = addr.lastIndexOf('@');
      addr = at < 0 ? `${addr}${s.ext}` : `${addr.slice(0, at)}${s.ext}${addr.slice(at)}`;
    }
    return addr;
  });
}
