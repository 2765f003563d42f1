// Names and addresses as both resolvers see them: normal form, validity, loopback, reverse names.
import { isIP } from 'node:net';

/** Lower case, no trailing dot: the form names are stored and cached under. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Why a (normalized) name cannot be sent as a DNS question, or undefined if it can. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'empty name';
  if (name.length > 253) return `name longer than 253 characters (${name.length})`;
  if (/[\s\x00-\x1f\x7f]/.test(name)) return 'name contains white space or a control character';
  for (const label of name.split('.')) {
    if (label === '') return 'empty label (two dots in a row, or a leading dot)';
    if (label.length > 63) return `label longer than 63 characters: ${label.slice(0, 20)}...`;
  }
  return undefined;
}

/** Eight 16-bit groups of an IPv6 address (zone id dropped, embedded IPv4 expanded). */
function ipv6Groups(ip: string): number[] {
  let s = ip.replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = s.slice(0, v4.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const [head = '', tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for; other input unchanged. */
export function unmapIPv4(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const g = ipv6Groups(ip);
  if (g.slice(0, 5).some((x) => x !== 0) || g[5] !== 0xffff) return ip;
  const [hi = 0, lo = 0] = g.slice(6);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** 127.0.0.0/8, ::1 and ::ffff:127.x.x.x: never looked up, always 'localhost' (DESIGN.md). */
export function isLoopback(ip: string): boolean {
  const a = unmapIPv4(ip);
  const v = isIP(a);
  if (v === 4) return a.startsWith('127.');
  if (v === 6) return ipv6Groups(a).every((g, i) => g === (i === 7 ? 1 : 0));
  return false;
}

/**
 * The in-addr.arpa / ip6.arpa name of an address, or undefined if it is not one.
 * An IPv4-mapped IPv6 address is treated as the IPv4 address it carries (as Postfix does).
 */
export function reverseName(ip: string): string | undefined {
  const a = unmapIPv4(ip);
  const v = isIP(a);
  if (v === 4) return `${a.split('.').reverse().join('.')}.in-addr.arpa`;
  if (v !== 6) return undefined;
  const hex = ipv6Groups(a).map((g) => g.toString(16).padStart(4, '0')).join('');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}
