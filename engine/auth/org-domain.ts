// Organizational domains (RFC 7489 §3.2: public suffix + one label, from the PSL as mailauth
// ships it) and identifier alignment (§3.1: relaxed = same organizational domain, strict = same
// name). Names are compared in lower case, without a trailing dot, in A-label form.
import { domainToASCII } from 'node:url';
import { pslOrgDomain } from './mailauth-lib';
import type { AlignmentMode } from './types';

export function normalizeDomain(d: string): string {
  const n = d.trim().toLowerCase().replace(/\.$/, '');
  if (/^[\x21-\x7e]*$/.test(n)) return n;
  return domainToASCII(n) || n;
}

export function orgDomain(domain: string): string {
  const d = normalizeDomain(domain);
  return pslOrgDomain(d) ?? d;
}

export function aligned(a: string | undefined, b: string, mode: AlignmentMode): boolean {
  if (!a) return false;
  const x = normalizeDomain(a);
  const y = normalizeDomain(b);
  return mode === 's' ? x === y : orgDomain(x) === orgDomain(y);
}
