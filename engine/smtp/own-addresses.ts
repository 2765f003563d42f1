// Our own addresses in address-literal form (Postfix resolve_local: a domain "[a.b.c.d]" naming
// one of inet_interfaces is local, as if it were in mydestination). For one listener these are
// the address the client connected to and the listener's bind address, or every interface
// address of this machine when it listens on all of them (0.0.0.0 / ::, Postfix's "all").
import net from 'node:net';
import os from 'node:os';
import { literalAddress } from './address-syntax';
import { unmapV4 } from './network';

export interface OwnAddresses {
  /** Is `domain` ("[127.0.0.1]", "[IPv6:::1]") a literal of one of our addresses? `connectedTo` is the session's local address. */
  isOwnLiteral(domain: string, connectedTo?: string): boolean;
}

const WILDCARD = new Set(['', '0.0.0.0', '::', '::0']);

export function createOwnAddresses(bindAddress: string, interfaces: () => string[] = interfaceAddresses): OwnAddresses {
  const bind = canonicalIp(bindAddress);
  let all: Set<string> | undefined; // interface addresses, read once, only for a wildcard bind
  return {
    isOwnLiteral(domain, connectedTo) {
      const lit = literalAddress(domain.replace(/\.$/, ''));
      const ip = lit === undefined ? undefined : canonicalIp(lit);
      if (ip === undefined) return false;
      if (connectedTo !== undefined && canonicalIp(connectedTo) === ip) return true;
      if (!WILDCARD.has(bindAddress.trim())) return bind === ip;
      all ??= new Set(interfaces().map(canonicalIp).filter((a): a is string => a !== undefined));
      return all.has(ip);
    },
  };
}

function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

/** One spelling per address: IPv4 dotted quad (IPv4-mapped IPv6 unmapped), IPv6 as RFC 5952. */
export function canonicalIp(ip: string): string | undefined {
  const a = unmapV4(ip.trim());
  if (net.isIPv4(a)) return a.split('.').map((o) => String(Number(o))).join('.');
  if (!net.isIPv6(a) || a.includes('%')) return undefined;
  let host: string;
  try { host = new URL(`http://[${a}]/`).hostname.slice(1, -1); } catch { return undefined; }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return host;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}
