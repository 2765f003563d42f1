// Reading authentication evidence that is in the headers (Authentication-Results written by
// earlier hops, DKIM-Signature tags) and the DMARC alignment computation. Pure; verifies nothing.
import type { HeaderField } from '../../engine/api/contract';
import { orgDomain } from './addresses';

export interface AuthResult {
  method: string;
  result: string;
  reason?: string;
  comment?: string;
  /** "smtp.mailfrom" → "bob@example.org", "header.d" → "example.org", ... */
  props: Record<string, string>;
}

export interface AuthResultsHeader {
  authservId: string;
  results: AuthResult[];
}

function splitSemis(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  let p = 0;
  for (const c of s) {
    if (c === '"') q = !q;
    else if (!q && c === '(') p++;
    else if (!q && c === ')' && p > 0) p--;
    else if (!q && p === 0 && c === ';') {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** RFC 8601 Authentication-Results (or ARC-Authentication-Results, with its "i=N;" first). */
export function parseAuthResults(value: string): AuthResultsHeader {
  const parts = splitSemis(value);
  if (parts[0] && /^i=\d+$/.test(parts[0])) parts.shift();
  const authservId = (parts.shift() ?? '').replace(/\([^()]*\)/g, '').trim().split(/\s+/)[0] ?? '';
  const results: AuthResult[] = [];
  for (const part of parts) {
    const m = /^([A-Za-z0-9_-]+)\s*=\s*([A-Za-z0-9_-]+)(.*)$/s.exec(part);
    if (!m) continue;
    let rest = m[3] ?? '';
    const comments: string[] = [];
    rest = rest.replace(/\(([^()]*)\)/g, (_w, c: string) => {
      comments.push(c.trim());
      return ' ';
    });
    const props: Record<string, string> = {};
    let reason: string | undefined;
    for (const kv of rest.matchAll(/([A-Za-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;]+)/g)) {
      const k = kv[1]!.toLowerCase();
      const v = kv[2]!.replace(/^"|"$/g, '');
      if (k === 'reason') reason = v;
      else props[k] = v;
    }
    results.push({ method: m[1]!.toLowerCase(), result: m[2]!.toLowerCase(), props, ...(reason ? { reason } : {}), ...(comments.length ? { comment: comments.join('; ') } : {}) });
  }
  return { authservId, results };
}

export interface DkimSignature {
  /** Signing domain (d=). */
  d?: string;
  /** Selector (s=): the key is published at <s>._domainkey.<d>. */
  s?: string;
  a?: string;
  i?: string;
  /** Signed header names (h=). */
  h: string[];
}

/** DKIM-Signature tag list (RFC 6376 §3.5). */
export function parseDkimSignature(value: string): DkimSignature {
  const tags: Record<string, string> = {};
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    tags[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).replace(/\s+/g, '');
  }
  return {
    ...(tags.d ? { d: tags.d.toLowerCase() } : {}),
    ...(tags.s ? { s: tags.s } : {}),
    ...(tags.a ? { a: tags.a } : {}),
    ...(tags.i ? { i: tags.i } : {}),
    h: (tags.h ?? '').split(':').filter(Boolean),
  };
}

export interface AlignmentCheck {
  /** "SPF (envelope sender)" or "DKIM d=example.org". */
  label: string;
  domain: string;
  org: string;
  /** Equal to the From domain (adkim/aspf=s). */
  strict: boolean;
  /** Same organizational domain as From (adkim/aspf=r, the default). */
  relaxed: boolean;
}

export interface AlignmentComputation {
  fromDomain: string;
  fromOrg: string;
  checks: AlignmentCheck[];
}

/** DMARC identifier alignment (RFC 7489 §3.1), computed from the domains only. */
export function computeAlignment(fromDomain: string, spfDomain: string, dkimDomains: string[]): AlignmentComputation {
  const fromOrg = orgDomain(fromDomain);
  const check = (label: string, domain: string): AlignmentCheck => {
    const org = orgDomain(domain);
    return { label, domain, org, strict: domain === fromDomain, relaxed: !!domain && org === fromOrg };
  };
  const checks = [
    ...(spfDomain ? [check('SPF: envelope sender domain', spfDomain)] : []),
    ...dkimDomains.map((d) => check(`DKIM: signature d=${d}`, d)),
  ];
  return { fromDomain, fromOrg, checks };
}

export function authHeaders(headers: HeaderField[]): { results: (AuthResultsHeader & { name: string })[]; dkim: DkimSignature[] } {
  const results: (AuthResultsHeader & { name: string })[] = [];
  const dkim: DkimSignature[] = [];
  for (const h of headers) {
    const n = h.name.toLowerCase();
    if (n === 'authentication-results' || n === 'arc-authentication-results') results.push({ name: h.name, ...parseAuthResults(h.value) });
    else if (n === 'dkim-signature') dkim.push(parseDkimSignature(h.value));
  }
  return { results, dkim };
}
