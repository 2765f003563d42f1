// DNS block- and allow-lists (Postfix smtpd_check.c find_dnsxl_addr/_domain, rbl_reject_reply):
// the query name, the optional "=127.0.0.[2..11]" reply filter (ip_match.c), the TXT reason,
// and the reply built from rbl_reply_maps or default_rbl_reply. A lookup that fails (anything
// but an answer or NXDOMAIN/NODATA) gives the client the benefit of the doubt.
import { DnsError } from '../dns/resolver.port';
import { reverseName } from '../dns/names';
import { findFirst } from '../tables/find';
import { dsnFix, dsnSplit, coded, tableFor } from './access-table';
import { defer, next } from './types';
import type { PolicyContext, Verdict } from './types';
import type { Table } from '../tables/types';
import { validHostname } from './checks/reject_invalid_helo_hostname';

/** One octet of a reply filter: the values it accepts. */
type Field = (n: number) => boolean;

export interface DnsxlArg {
  /** As configured, "zen.example=127.0.0.[2..11]" (the rbl_reply_maps key). */
  raw: string;
  /** The DNS domain to query under. */
  domain: string;
  filter?: Field[];
}

function octet(s: string): number {
  if (!/^\d{1,3}$/.test(s) || Number(s) > 255) throw new Error(`"${s}" is not a number from 0 to 255`);
  return Number(s);
}

/** Parses "a.b.c.d" where each field is a number or "[n;m..k;...]" (Postfix ip_match_parse). */
export function parseReplyFilter(pattern: string): Field[] {
  const fields: Field[] = [];
  let rest = pattern;
  for (let i = 0; i < 4; i++) {
    let token: string;
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) throw new Error(`missing "]" in "${pattern}"`);
      token = rest.slice(0, close + 1);
      rest = rest.slice(close + 1);
      const ranges = token.slice(1, -1).split(';').map((m) => {
        const r = /^(\d+)\.\.(\d+)$/.exec(m);
        if (r) {
          const lo = octet(r[1]!), hi = octet(r[2]!);
          if (lo > hi) throw new Error(`bad range "${m}" in "${pattern}"`);
          return [lo, hi] as const;
        }
        const n = octet(m);
        return [n, n] as const;
      });
      fields.push((n) => ranges.some(([lo, hi]) => n >= lo && n <= hi));
    } else {
      const m = /^\d+/.exec(rest);
      if (!m) throw new Error(`bad reply filter "${pattern}": expected a number or [...] in field ${i + 1}`);
      const n = octet(m[0]);
      rest = rest.slice(m[0].length);
      fields.push((x) => x === n);
    }
    if (i < 3) {
      if (!rest.startsWith('.')) throw new Error(`bad reply filter "${pattern}": expected four fields separated by "."`);
      rest = rest.slice(1);
    }
  }
  if (rest !== '') throw new Error(`bad reply filter "${pattern}": unexpected "${rest}"`);
  return fields;
}

/** "zen.example.test" or "zen.example.test=127.0.0.[2..11]"; throws a reason. */
export function parseDnsxlArg(raw: string): DnsxlArg {
  const eq = raw.indexOf('=');
  const domain = (eq < 0 ? raw : raw.slice(0, eq)).replace(/\.$/, '');
  if (domain === '' || !/^[A-Za-z0-9_.-]+$/.test(domain) || domain.includes('..')) throw new Error(`"${raw}": "${domain}" is not a DNS domain`);
  const out: DnsxlArg = { raw, domain };
  if (eq >= 0) out.filter = parseReplyFilter(raw.slice(eq + 1));
  return out;
}

export const validateDnsxlArgs = (args: readonly string[]): string | undefined => {
  try { parseDnsxlArg(args[0] ?? ''); return undefined; } catch (e) { return (e as Error).message; }
};

export type DnsxlResult =
  | { kind: 'listed'; a: string[]; txt: string }
  | { kind: 'clear' }
  | { kind: 'soft'; why: string };

const TXT_LIMIT = 500;

/** The query name for a client address: reversed octets (IPv6: 32 reversed nibbles) + domain. */
export function addrQuery(ip: string, domain: string): string | undefined {
  const arpa = reverseName(ip);
  return arpa && `${arpa.replace(/\.(in-addr|ip6)\.arpa$/, '')}.${domain}`;
}

/** Looks the query up; applies the reply filter; fetches the TXT reason when listed. */
export async function queryDnsxl(ctx: PolicyContext, query: string, arg: DnsxlArg): Promise<DnsxlResult> {
  let a: string[];
  try {
    a = await ctx.resolver.resolve(query, 'A');
  } catch (e) {
    if (e instanceof DnsError && e.isNotFound) { ctx.note(`${query} A: ${e.code} (not listed)`); return { kind: 'clear' }; }
    const why = e instanceof DnsError ? e.code : (e as Error).message;
    ctx.note(`${query} A: ${why}: lookup error, no action (benefit of the doubt)`);
    return { kind: 'soft', why };
  }
  ctx.note(`${query} A: ${a.join(', ')}`);
  if (arg.filter) {
    const f = arg.filter;
    const hit = a.some((ip) => { const o = ip.split('.').map(Number); return o.length === 4 && f.every((m, i) => m(o[i]!)); });
    if (!hit) { ctx.note(`no answer matches the reply filter ${arg.raw.slice(arg.raw.indexOf('=') + 1)}: not listed`); return { kind: 'clear' }; }
  }
  let txt = '';
  try {
    const records = await ctx.resolver.resolve(query, 'TXT');
    records.forEach((chunks, i) => {
      const data = chunks.join('');
      txt += data.slice(0, TXT_LIMIT - txt.length);
      if (i < records.length - 1 && TXT_LIMIT - txt.length > 3) txt += ' / ';
    });
  } catch (e) {
    ctx.note(`${query} TXT: ${e instanceof DnsError ? e.code : (e as Error).message}`);
  }
  return { kind: 'listed', a, txt };
}

/** The domain part an RHSBL looks up, or why there is none (Postfix find_dnsxl_domain). */
export function rhsblDomain(what: string, valid: (d: string) => boolean): string | undefined {
  const at = what.lastIndexOf('@');
  const domain = at >= 0 ? what.slice(at + 1) : what;
  if (domain === '' || domain.startsWith('[')) return undefined;
  const last = domain.slice(domain.lastIndexOf('.') + 1);
  if (/^\d*$/.test(last)) return undefined; // a numeric last label: never an RHSBL query
  return valid(domain) ? domain : undefined;
}

/** Postfix smtpd_expansion_filter: characters outside it become "_" in expanded values. */
const filterValue = (s: string): string => s.replace(/[^\t\x20-\x7e]/g, '_');

/** Expands $name, ${name}, $(name), ${name?text}, ${name:text}, $$ (Postfix mac_expand). Undefined name → throws. */
export function macExpand(template: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < template.length;) {
    const c = template[i]!;
    if (c !== '$') { out += c; i++; continue; }
    if (template[i + 1] === '$') { out += '$'; i += 2; continue; }
    const open = template[i + 1];
    if (open === '{' || open === '(') {
      const close = open === '{' ? '}' : ')';
      let level = 1;
      let j = i + 2;
      for (; j < template.length && level > 0; j++) {
        if (template[j] === open) level++;
        else if (template[j] === close) level--;
      }
      if (level > 0) throw new Error(`truncated macro reference in "${template}"`);
      const inner = template.slice(i + 2, j - 1);
      i = j;
      const m = /^([A-Za-z0-9_]+)(?:([?:])([\s\S]*))?$/.exec(inner);
      if (!m) throw new Error(`bad macro "\${${inner}}"`);
      const v = lookup(m[1]!);
      if (m[2] === undefined) {
        if (v === undefined) throw new Error(`unknown macro "${m[1]}"`);
        out += filterValue(v);
      } else if ((m[2] === '?') === (v !== undefined && v !== '')) {
        out += macExpand(m[3]!, lookup);
      }
      continue;
    }
    const name = /^[A-Za-z0-9_]*/.exec(template.slice(i + 1))![0];
    if (name === '') throw new Error(`empty macro name in "${template}"`);
    const v = lookup(name);
    if (v === undefined) throw new Error(`unknown macro "${name}"`);
    out += filterValue(v);
    i += 1 + name.length;
  }
  return out;
}

export const DEFAULT_RBL_REPLY = '$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain${rbl_reason?; $rbl_reason}';
const RBL_CODE = 554;

function sessionMacros(ctx: PolicyContext): Record<string, string | undefined> {
  const split = (a: string | undefined) => {
    if (a === undefined) return [undefined, undefined];
    const at = a.lastIndexOf('@');
    return at < 0 ? [a, ''] : [a.slice(0, at), a.slice(at + 1)];
  };
  const [sn, sd] = split(ctx.sender);
  const [rn, rd] = split(ctx.recipient);
  return {
    client_address: ctx.client.ip, client_name: ctx.client.name, reverse_client_name: ctx.client.name,
    client_port: String(ctx.client.port), helo_name: ctx.helo, sender: ctx.sender, sender_name: sn, sender_domain: sd,
    recipient: ctx.recipient, recipient_name: rn, recipient_domain: rd, sasl_username: ctx.saslUser,
  };
}

/**
 * The reply for a listed client/domain: the rbl_reply_maps template for this DNSxL (key: the
 * argument as configured) or default_rbl_reply, expanded; a template that does not expand or
 * does not start with a 4xx/5xx code falls back as Postfix does.
 */
export async function rblReply(ctx: PolicyContext, arg: DnsxlArg, what: string, cls: string, txt: string): Promise<Verdict> {
  let template: string | undefined;
  if (ctx.rblReplyMaps?.length) {
    const tables = ctx.rblReplyMaps.map((s) => tableFor(ctx, s)).filter((t): t is Table => t !== undefined);
    const hit = await findFirst(tables, arg.raw);
    if ('error' in hit.lookup) throw new Error(`rbl_reply_maps lookup of ${arg.raw} failed: ${hit.lookup.detail}`);
    if (hit.lookup.found) { template = hit.lookup.value; ctx.note(`rbl_reply_maps ${hit.table?.spec}: ${arg.raw} => ${template}`); }
  }
  const macros: Record<string, string | undefined> = {
    ...sessionMacros(ctx), rbl_code: String(RBL_CODE), rbl_domain: arg.domain, rbl_reason: txt, rbl_txt: txt, rbl_what: what, rbl_class: cls,
  };
  let why: string;
  try {
    why = macExpand(template ?? DEFAULT_RBL_REPLY, (n) => macros[n]);
  } catch (e) {
    ctx.note(`bad rbl reply template for ${arg.raw}: ${(e as Error).message}; using default_rbl_reply`);
    why = macExpand(DEFAULT_RBL_REPLY, (n) => macros[n]);
  }
  const m = /^([45]\d\d) ([\s\S]*)$/.exec(why);
  if (!m) {
    ctx.note(`rbl response code configuration error: ${why}`);
    return defer(450, '4.7.1', 'Service unavailable');
  }
  const d = dsnSplit('4.7.1', m[2]!);
  return coded(Number(m[1]), dsnFix(d.dsn, cls), d.text || 'Service unavailable');
}

/**
 * The reject_rhsbl_* checks (client, sender, helo): look up the domain of `value` in the RHSBL
 * named by `raw` (DOMAIN[=FILTER]); listed: Postfix's reply for `cls` ("Client host", "Sender
 * address", "Helo command"). A value with no domain an RHSBL can list is noted and skipped.
 */
export async function checkRhsbl(ctx: PolicyContext, raw: string, value: string, cls: string, unlistable: string): Promise<Verdict> {
  const domain = rhsblDomain(value, validHostname);
  if (!domain) { ctx.note(`${value}: ${unlistable}`); return next(); }
  const arg = parseDnsxlArg(raw);
  const r = await queryDnsxl(ctx, `${domain}.${arg.domain}`, arg);
  return r.kind === 'listed' ? rblReply(ctx, arg, value, cls, r.txt) : next();
}
