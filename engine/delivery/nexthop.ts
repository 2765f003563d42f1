// nexthop: where a recipient domain goes next (Postfix trivial-rewrite + transport(5) + the
// smtp client's MX walk). resolveNextHop is pure (config in, NextHop out; it also validates the
// transport map at config load); mxTargets asks DNS through the Resolver port only.
import net from 'node:net';
import type { AnswerOf, Resolver } from '../dns/resolver.port';
import type { Dsn, NextHop } from './types';

export type SmtpHop = Extract<NextHop, { kind: 'smtp' }>;

export interface RoutingConfig {
  domains: string[];
  transport: Record<string, string>;
  relayhost: string;
}

/** A parsed next hop: "[host]:port" (noMx), "host:port", "[2001:db8::1]:587", "[ipv6:2001:db8::1]". */
export interface ParsedNexthop {
  host: string;
  port: number;
  /** [brackets]: a literal host, no MX lookup (Postfix). */
  noMx: boolean;
}

const SMTP_PORT = 25;
const HOST_RE = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/i;

/** Parse a Postfix next hop. Throws a clear Error on anything else. */
export function parseNexthop(s: string): ParsedNexthop {
  const input = s.trim();
  if (!input) throw new Error('empty next hop');
  let host: string;
  let portText: string | undefined;
  let noMx = false;
  if (input.startsWith('[')) {
    const close = input.indexOf(']');
    if (close < 0) throw new Error(`next hop "${s}": missing "]"`);
    host = input.slice(1, close).replace(/^ipv6:/i, '');
    const rest = input.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new Error(`next hop "${s}": expected ":port" after "]"`);
    portText = rest ? rest.slice(1) : undefined;
    noMx = true;
  } else {
    const parts = input.split(':');
    if (parts.length > 2) throw new Error(`next hop "${s}": an IPv6 address needs brackets, e.g. [2001:db8::1]:25`);
    host = parts[0] ?? '';
    portText = parts[1];
  }
  host = host.toLowerCase().replace(/\.$/, '');
  if (!host) throw new Error(`next hop "${s}": no host`);
  if (!net.isIP(host) && !HOST_RE.test(host)) throw new Error(`next hop "${s}": "${host}" is not a host name or IP address`);
  if (net.isIPv6(host) && !noMx) throw new Error(`next hop "${s}": an IPv6 address needs brackets`);
  let port = SMTP_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new Error(`next hop "${s}": port must be 1-65535`);
    }
    port = Number(portText);
  }
  return { host, port, noMx };
}

/** The transport(5) right-hand side of one key, parsed. Throws an Error naming the key. */
export type TransportEntry = { kind: 'local' } | { kind: 'smtp'; nexthop: ParsedNexthop | null };

export function parseTransport(key: string, value: string): TransportEntry {
  const v = value.trim();
  const colon = v.indexOf(':');
  if (colon < 0) throw new Error(`transport "${key}": "${value}" is not transport:nexthop (e.g. smtp:[host]:587, local:)`);
  const name = v.slice(0, colon).toLowerCase();
  const nexthop = v.slice(colon + 1).trim();
  switch (name) {
    case 'local':
      if (nexthop) throw new Error(`transport "${key}": local: takes no next hop (got "${nexthop}")`);
      return { kind: 'local' };
    case '':
    case 'smtp':
    case 'relay':
      try {
        return { kind: 'smtp', nexthop: nexthop ? parseNexthop(nexthop) : null };
      } catch (err) {
        throw new Error(`transport "${key}": ${(err as Error).message}`);
      }
    default:
      throw new Error(`transport "${key}": unsupported transport "${name}" (supported: smtp, relay, local)`);
  }
}

/** Validate the whole map (config load). Throws on the first bad key. */
export function validateTransportMap(map: Record<string, string>): void {
  for (const [key, value] of Object.entries(map)) {
    if (!key.trim()) throw new Error('transport: empty key');
    parseTransport(key, value);
  }
}

/**
 * Route a recipient domain: transport map (exact, then parent domains, then "*"), then local
 * `domains`, then relayhost, else MX of the domain. `localPart` only fills the local NextHop.
 */
export function resolveNextHop(rcptDomain: string, cfg: RoutingConfig, localPart = ''): NextHop {
  const domain = normDomain(rcptDomain);
  if (!domain) throw new Error('resolveNextHop: empty recipient domain');
  const hit = findTransport(domain, cfg.transport);
  if (hit) {
    const entry = parseTransport(hit.key, hit.value);
    if (entry.kind === 'local') return { kind: 'local', domain, localPart };
    const nh = entry.nexthop;
    return nh
      ? { kind: 'smtp', host: nh.host, port: nh.port, noMx: nh.noMx, via: 'transport' }
      : { kind: 'smtp', host: domain, port: SMTP_PORT, noMx: false, via: 'transport' };
  }
  if (cfg.domains.some((d) => normDomain(d) === domain)) return { kind: 'local', domain, localPart };
  if (cfg.relayhost.trim()) {
    let nh: ParsedNexthop;
    try {
      nh = parseNexthop(cfg.relayhost);
    } catch (err) {
      throw new Error(`relayhost: ${(err as Error).message}`);
    }
    return { kind: 'smtp', host: nh.host, port: nh.port, noMx: nh.noMx, via: 'relayhost' };
  }
  return { kind: 'smtp', host: domain, port: SMTP_PORT, noMx: false, via: 'mx' };
}

/** Postfix transport_maps order with parent_domain_matches_subdomains: most specific first. */
function findTransport(domain: string, map: Record<string, string>): { key: string; value: string } | undefined {
  const table = new Map<string, { key: string; value: string }>();
  for (const [key, value] of Object.entries(map)) table.set(normDomain(key), { key, value });
  const exact = table.get(domain);
  if (exact) return exact;
  const labels = domain.split('.');
  for (let i = 1; i < labels.length; i++) {
    const parent = labels.slice(i).join('.');
    const hit = table.get(`.${parent}`) ?? table.get(parent);
    if (hit) return hit;
  }
  return table.get('*');
}

function normDomain(d: string): string {
  return d.trim().toLowerCase().replace(/\.$/, '');
}

// --- MX walk ---------------------------------------------------------------------------

export interface MxTarget { host: string; ip: string; priority: number }

export interface MxOptions {
  /** At most this many addresses (Postfix smtp_mx_address_limit). Default 5. */
  limit?: number;
  /** Shuffle hosts of equal priority (RFC 5321 §5.1). Default true; false keeps DNS order (tests). */
  shuffle?: boolean;
  random?: () => number;
}

type Lookup<T> = { ok: T } | { notFound: 'nxdomain' | 'nodata' } | { temp: string } | { perm: string };

/**
 * The addresses to try for a hop, best first, or the Dsn that ends the attempt:
 * NXDOMAIN → failed 5.1.2; null MX (RFC 7505) → failed 5.1.10; temporary DNS error → delayed 4.4.3.
 */
export async function mxTargets(
  hop: SmtpHop,
  domain: string,
  resolver: Resolver,
  opts: MxOptions = {},
): Promise<{ targets: MxTarget[] } | { dsn: Dsn }> {
  const limit = opts.limit ?? 5;
  const host = hop.host;
  if (net.isIP(host)) return { targets: [{ host, ip: host, priority: 0 }] };

  if (hop.noMx) return addressesOf([{ exchange: host, priority: 0 }], domain, resolver, limit);

  const mx = await lookup(resolver, host, 'MX');
  if ('temp' in mx) return { dsn: tempDns(host, 'MX', mx.temp) };
  if ('perm' in mx) return { dsn: notFound(domain, host, 'MX', mx.perm) };
  if ('notFound' in mx) {
    // RFC 5321 §5.1: no MX records → the domain itself is the implicit MX. Asked even after
    // NXDOMAIN on MX (some resolvers conflate NXDOMAIN and NODATA); A/AAAA then decide.
    return addressesOf([{ exchange: host, priority: 0 }], domain, resolver, limit);
  }
  const records = mx.ok.map((r) => ({ exchange: normDomain(r.exchange), priority: r.priority }));
  const isNull = (r: { exchange: string }) => r.exchange === '' || r.exchange === '.';
  if (records.length > 0 && records.every(isNull)) {
    return {
      dsn: { action: 'failed', status: '5.1.10', reason: `Domain ${domain} does not accept mail (nullMX)`, diagnostic: `X-Postfix; Domain ${domain} does not accept mail (nullMX)` },
    };
  }
  const real = records.filter((r) => !isNull(r));
  if (real.length === 0) return addressesOf([{ exchange: host, priority: 0 }], domain, resolver, limit);
  return addressesOf(orderMx(real, opts), domain, resolver, limit);
}

function orderMx(records: { exchange: string; priority: number }[], opts: MxOptions) {
  const sorted = [...records].sort((a, b) => a.priority - b.priority);
  if (opts.shuffle === false) return sorted;
  const random = opts.random ?? Math.random;
  const out: typeof sorted = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]?.priority === sorted[i]?.priority) j++;
    const group = sorted.slice(i, j);
    for (let k = group.length - 1; k > 0; k--) {
      const r = Math.floor(random() * (k + 1));
      [group[k], group[r]] = [group[r]!, group[k]!];
    }
    out.push(...group);
    i = j;
  }
  return out;
}

/** Each exchange → A then AAAA. Unresolvable exchanges are skipped; none left → a Dsn. */
async function addressesOf(
  exchanges: { exchange: string; priority: number }[],
  domain: string,
  resolver: Resolver,
  limit: number,
): Promise<{ targets: MxTarget[] } | { dsn: Dsn }> {
  const targets: MxTarget[] = [];
  const seen = new Set<string>();
  let temp: Dsn | undefined;
  let last: Dsn | undefined;
  for (const { exchange, priority } of exchanges) {
    if (targets.length >= limit) break;
    if (net.isIP(exchange)) {
      if (!seen.has(exchange)) targets.push({ host: exchange, ip: exchange, priority });
      seen.add(exchange);
      continue;
    }
    for (const type of ['A', 'AAAA'] as const) {
      const r = await lookup(resolver, exchange, type);
      if ('ok' in r) {
        for (const ip of r.ok) {
          if (targets.length >= limit || seen.has(ip)) continue;
          seen.add(ip);
          targets.push({ host: exchange, ip, priority });
        }
      } else if ('temp' in r) {
        temp ??= tempDns(exchange, type, r.temp);
      } else if ('perm' in r) {
        last = notFound(domain, exchange, type, r.perm);
      } else {
        last = notFound(domain, exchange, type, r.notFound === 'nxdomain' ? 'Host not found' : 'Host found but no data record of requested type');
        if (r.notFound === 'nxdomain') break; // no AAAA either
      }
    }
  }
  if (targets.length > 0) return { targets };
  return { dsn: temp ?? last ?? notFound(domain, domain, 'A', 'no address') };
}

async function lookup<T extends 'MX' | 'A' | 'AAAA'>(resolver: Resolver, name: string, type: T): Promise<Lookup<AnswerOf[T]>> {
  try {
    return { ok: await resolver.resolve(name, type) };
  } catch (err) {
    const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'ESERVFAIL';
    if (code === 'ENOTFOUND') return { notFound: 'nxdomain' };
    if (code === 'ENODATA') return { notFound: 'nodata' };
    if (code === 'EBADNAME' || code === 'EFORMERR') return { perm: `malformed name (${code})` };
    return { temp: code };
  }
}

function tempDns(name: string, type: string, code: string): Dsn {
  const reason = `Host or domain name lookup failure: Name service error for name=${name} type=${type}: ${code === 'ETIMEOUT' ? 'timeout' : 'Host not found, try again'} (${code})`;
  return { action: 'delayed', status: '4.4.3', reason, diagnostic: `X-Postfix; ${reason}` };
}

function notFound(domain: string, name: string, type: string, detail: string): Dsn {
  const reason = `Host or domain name not found. Name service error for name=${name} type=${type}: ${detail}`;
  return { action: 'failed', status: '5.1.2', reason: domain === name ? reason : `${reason} (recipient domain ${domain})`, diagnostic: `X-Postfix; ${reason}` };
}
