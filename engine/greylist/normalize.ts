// postgrey's triplet normalisation (MTA-SEMANTICS §5.1): the client network, and the sender
// with BATV unwrapped, +extension stripped and numbers replaced (VERP/SRS-style tags).
import net from 'node:net';

/** The client's network: IPv4 masked to /v4, IPv6 to /v6 (postgrey --ipv4cidr 24 --ipv6cidr 64). */
export function clientNet(ip: string, v4 = 24, v6 = 64): string {
  if (net.isIPv4(ip)) {
    const n = ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
    const masked = v4 === 0 ? 0 : (n & (~0 << (32 - v4))) >>> 0;
    return `${[24, 16, 8, 0].map((s) => (masked >>> s) & 255).join('.')}/${v4}`;
  }
  if (net.isIPv6(ip)) {
    const groups = expandV6(ip);
    let bits = v6;
    const out = groups.map((g) => {
      const keep = Math.max(0, Math.min(16, bits));
      bits -= 16;
      return keep === 0 ? 0 : g & (0xffff << (16 - keep)) & 0xffff;
    });
    return `${out.map((g) => g.toString(16)).join(':')}/${v6}`;
  }
  return ip;
}

function expandV6(ip: string): number[] {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const fill = ip.includes('::') ? 8 - h.length - t.length : 0;
  return [...h, ...Array(fill).fill('0'), ...t].map((g) => parseInt(g, 16) || 0);
}

/** postgrey's sender normalisation: lowercase, BATV "prvs=tag=local@d" → local@d, "+ext" gone, digits runs → #. */
export function normalizeSender(sender: string): string {
  let s = sender.toLowerCase();
  const batv = /^prvs=[^=]+=(.+)$/.exec(s) ?? /^btv1==[^=]+==(.+)$/.exec(s);
  if (batv) s = batv[1] as string;
  const at = s.lastIndexOf('@');
  let local = at < 0 ? s : s.slice(0, at);
  const domain = at < 0 ? '' : s.slice(at);
  local = local.replace(/\+.*$/, '');
  return `${local}${domain}`.replace(/\b\d+\b/g, '#');
}
