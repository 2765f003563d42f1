// reject_invalid_helo_hostname: refuse a HELO/EHLO argument that is neither a valid host name
// nor an IP address; an address literal "[...]" must hold a valid address (var_bad_name_code 501).
// The syntax helpers below follow Postfix's valid_hostname.c / valid_mailhost_addr.c rules.
import { isIPv6 } from 'node:net';
import { defineCheck, next, reject } from '../types';
import type { Decisive } from '../types';

/** Strip one trailing dot, but not from "..", as Postfix's dup_if_truncate does. */
export function stripTrailingDot(name: string): string {
  return name.length > 1 && name.endsWith('.') && !name.endsWith('..') ? name.slice(0, -1) : name;
}

/** RFC 1123 host name as Postfix accepts it: ASCII letters, digits, "-" and "_"; not all-numeric. */
export function validHostname(name: string): boolean {
  if (name === '' || name.length > 255) return false;
  const labels = name.split('.');
  for (const label of labels) {
    if (label === '' || label.length > 63) return false;
    if (!/^[A-Za-z0-9_-]+$/.test(label) || label.startsWith('-') || label.endsWith('-')) return false;
  }
  return /[^0-9.]/.test(name);
}

/** Dotted quad; "0.x.y.z" only as 0.0.0.0 (Postfix valid_ipv4_hostaddr). */
export function validIpv4(addr: string): boolean {
  const parts = addr.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d+$/.test(p) && Number(p) <= 255)) return false;
  return Number(parts[0]) !== 0 || parts.every((p) => Number(p) === 0);
}

export function validIpv6(addr: string): boolean {
  return !addr.includes('%') && isIPv6(addr);
}

/** An address as written inside [...]: a dotted quad, or "IPv6:" and an IPv6 address. */
export function validMailhostAddr(addr: string): boolean {
  return /^ipv6:/i.test(addr) ? validIpv6(addr.slice(5)) : validIpv4(addr);
}

/** Postfix reject_invalid_hostaddr: the literal's inside must be a valid address (brackets optional). */
export function invalidLiteral(helo: string): Decisive | undefined {
  const inner = helo.length > 2 && helo.startsWith('[') && helo.endsWith(']') ? helo.slice(1, -1) : helo;
  if (validMailhostAddr(inner)) return undefined;
  return reject(501, '5.5.2', `<${helo}>: Helo command rejected: invalid ip address`);
}

export default defineCheck({
  name: 'reject_invalid_helo_hostname',
  stage: 'helo',
  run({ helo, note }) {
    if (helo === undefined) return next();
    if (helo.startsWith('[')) {
      const bad = invalidLiteral(helo);
      if (bad) note('not a valid address literal');
      return bad ?? next();
    }
    const name = stripTrailingDot(helo);
    if (validHostname(name) || validIpv4(name) || (name.includes(':') && validIpv6(name))) return next();
    note('neither a valid host name nor an IP address');
    return reject(501, '5.5.2', `<${helo}>: Helo command rejected: Invalid name`);
  },
});
