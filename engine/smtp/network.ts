// Network class of a client address (local / vpn / public) from the `networks` CIDRs.
import net from 'node:net';
import type { NetworkClass } from '../config/schema';

export type Classifier = (ip: string) => NetworkClass;

export function createClassifier(networks: { local: string[]; vpn: string[] }): Classifier {
  const local = toBlockList(networks.local);
  const vpn = toBlockList(networks.vpn);
  return (ip) => {
    const addr = unmapV4(ip);
    const family = net.isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (!net.isIP(addr)) return 'public';
    if (local.check(addr, family)) return 'local';
    if (vpn.check(addr, family)) return 'vpn';
    return 'public';
  };
}

/** ::ffff:1.2.3.4 (an IPv4 client on a dual-stack socket) → 1.2.3.4 */
export function unmapV4(ip: string): string {
  return ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}

export function isLoopback(ip: string): boolean {
  const a = unmapV4(ip);
  return a === '::1' || (net.isIPv4(a) && a.startsWith('127.'));
}

function toBlockList(cidrs: string[]): net.BlockList {
  const bl = new net.BlockList();
  for (const c of cidrs) {
    const [addr = '', bits] = c.split('/');
    const family = net.isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (!net.isIP(addr)) throw new Error(`networks: ${c} is not an IP address or CIDR`);
    const prefix = bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv6' ? 128 : 32)) throw new Error(`networks: ${c} has a bad prefix length`);
    bl.addSubnet(addr, prefix, family);
  }
  return bl;
}
