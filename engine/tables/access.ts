// The access(5) lookup order (Postfix mail_addr_find.c with smtpd's strategy, and smtpd_check.c
// check_domain_access / check_addr_access), as lists of queries. A query is "full" (the whole
// string: every table sees it) or "partial" (a shorter key: pattern tables never see it). The
// search tries each key in every table before the next key, and stops at the first key found in
// any table (DUNNO included: a found DUNNO ends the walk) or at the first error.
import { isIP } from 'node:net';
import { findFirst } from './find';
import type { Lookup, Table } from './types';

export interface Query {
  key: string;
  partial: boolean;
}

export interface AccessResult {
  lookup: Lookup;
  /** The key that answered (found or error). */
  key?: string;
  /** The table that answered. */
  table?: Table;
  /** Every key sent, in order (pattern tables skip the partial ones). */
  tried: string[];
}

/**
 * The address as Postfix queries access tables with it (after trivial-rewrite): a bare local
 * part gets "@myorigin", one trailing dot leaves the domain, and the whole address is lower
 * case (MTA-SEMANTICS §3.2, verified against 3.7.11).
 */
export function accessAddress(address: string, myorigin?: string): string {
  let a = address;
  if (!a.includes('@') && myorigin) a = `${a}@${myorigin}`;
  if (a.length > 1 && a.endsWith('.') && !a.endsWith('..')) a = a.slice(0, -1);
  return a.toLowerCase();
}

const SPECIAL_LOCALPARTS = ['postmaster', 'mailer-daemon', 'double-bounce'];

/** user+ext → user (Postfix split_addr): undefined when there is nothing to strip. */
export function stripExtension(localpart: string, delimiters: string): string | undefined {
  if (delimiters === '') return undefined;
  const lower = localpart.toLowerCase();
  if (SPECIAL_LOCALPARTS.includes(lower)) return undefined;
  if (delimiters.includes('-') && (lower.startsWith('owner-') || (lower.length > 8 && lower.endsWith('-request')))) return undefined;
  let len = 0;
  while (len < localpart.length && !delimiters.includes(localpart[len]!)) len++;
  if (len === 0 || len === localpart.length) return undefined;
  return localpart.slice(0, len);
}

/**
 * Keys for an address (check_sender_access, check_recipient_access): user+ext@domain,
 * user@domain, domain, parent domains, user+ext@, user@. An address without "@" is not looked
 * up at all (Postfix: "no @domain in address").
 */
export function addressQueries(address: string, delimiters: string): Query[] {
  const at = address.lastIndexOf('@');
  if (at < 0) return [];
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const bare = stripExtension(local, delimiters);
  const q: Query[] = [{ key: address, partial: false }];
  if (bare !== undefined) q.push({ key: `${bare}@${domain}`, partial: true });
  for (let name = domain; name !== '';) {
    q.push({ key: name, partial: true });
    const dot = name.indexOf('.', 1);
    if (dot < 0) break;
    name = name.slice(dot + 1);
  }
  q.push({ key: `${local}@`, partial: true });
  if (bare !== undefined) q.push({ key: `${bare}@`, partial: true });
  return q;
}

/**
 * Keys for a host name (check_helo_access, the name part of check_client_access): the name,
 * then its parent domains. A numeric name (an IP address) is looked up once, without a walk.
 */
export function hostQueries(name: string): Query[] {
  if (name === '') return [];
  const q: Query[] = [{ key: name, partial: false }];
  if (isIP(name)) return q;
  for (let cur = name; ;) {
    const dot = cur.indexOf('.', 1);
    if (dot < 0) break;
    cur = cur.slice(dot + 1);
    if (cur === '') break;
    q.push({ key: cur, partial: true });
  }
  return q;
}

/** Keys for a client address: 1.2.3.4, 1.2.3, 1.2, 1 (IPv6: cut at each ":" from the right). */
export function ipQueries(ip: string): Query[] {
  const delim = ip.includes(':') ? ':' : '.';
  const q: Query[] = [{ key: ip, partial: false }];
  for (let cur = ip; ;) {
    const cut = cur.lastIndexOf(delim);
    if (cut < 0) break;
    cur = cur.slice(0, cut);
    q.push({ key: cur, partial: true });
  }
  return q;
}

/** Runs the queries against the tables in order; the first key found (or failing) answers. */
export async function findAccess(tables: Table | readonly Table[], queries: readonly Query[]): Promise<AccessResult> {
  const list = Array.isArray(tables) ? (tables as readonly Table[]) : [tables as Table];
  const tried: string[] = [];
  for (const q of queries) {
    if (q.partial && list.every((t) => t.pattern)) continue;
    tried.push(q.key);
    const hit = await findFirst(list, q.key, q.partial);
    if ('error' in hit.lookup || hit.lookup.found) {
      const r: AccessResult = { lookup: hit.lookup, key: q.key, tried };
      if (hit.table) r.table = hit.table;
      return r;
    }
  }
  return { lookup: { found: false }, tried };
}
