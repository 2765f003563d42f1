// SPF (RFC 7208) for one identity: mailauth's evaluator (spfVerify) behind our limits
// (spf-limits.ts), answered as an SpfVerdict. Never throws: every failure is an RFC result.
// We call spfVerify rather than mailauth's spf() because spf() drops which term matched.
import net from 'node:net';
import { domainToASCII } from 'node:url';
import { spfVerify, type MailauthResolver, type SpfError, type SpfVerifyOutcome } from './mailauth-lib';
import { createSpfLimiter } from './spf-limits';
import type { SpfResult, SpfVerdict } from './types';

export interface SpfInput {
  /** Client IP (after XCLIENT, the claimed one). */
  ip: string;
  /** HELO/EHLO name as given ('' if none). */
  helo: string;
  /** MAIL FROM address, '' for <>. */
  sender: string;
  /** Our name, for comments and the %{r} macro. */
  hostname: string;
  /** Check the HELO identity even though there is a sender (RFC 7208 §2.3). */
  identity?: 'mailfrom' | 'helo';
}

const QUALIFIER: Record<string, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

/** RFC 7208 §4.3: the checked domain must be a well-formed multi-label name; else the result is none. */
export function spfDomainProblem(domain: string): string | undefined {
  if (!domain || domain === '-') return 'no domain';
  if (domain.startsWith('[')) return `${domain} is an address literal`;
  const ascii = /^[\x21-\x7e]+$/.test(domain) ? domain : domainToASCII(domain);
  if (!ascii) return `${domain} is not a valid domain name`;
  const d = ascii.replace(/\.$/, '');
  const labels = d.split('.');
  if (labels.length < 2) return `${domain} is not a multi-label domain name`;
  if (labels.some((l) => l.length === 0)) return `${domain} has an empty label`;
  if (labels.some((l) => l.length > 63)) return `${domain} has a label longer than 63 characters`;
  if (d.length > 253) return `${domain} is longer than 253 characters`;
  if (/[\s\x00-\x1f\x7f]/.test(d)) return `${domain} contains white space or control characters`;
  return undefined;
}

/** The address SPF checks: the sender, or postmaster@<helo> for <> (RFC 7208 §2.4, §4.3). */
export function spfIdentity(sender: string, helo: string): { address: string; domain: string } {
  let address = sender || `postmaster@${helo}`;
  const at = address.lastIndexOf('@');
  if (at < 0) address = `postmaster@${address}`;
  else if (at === 0) address = `postmaster${address}`;
  const domain = address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase();
  return { address, domain };
}

function unmap(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? (m[1] as string) : ip;
}

/** The term as written in a record: unique match of the evaluator's (type, qualifier). */
function termIn(records: string[], o: SpfVerifyOutcome): string | undefined {
  const q = o.qualifier ?? '+';
  for (const rr of records) {
    const hits = rr.split(/\s+/).slice(1).filter((t) => {
      const m = /^([-+~?]?)([a-z0-9]+)/i.exec(t);
      if (!m || (m[1] || '+') !== q || (m[2] as string).toLowerCase() !== o.type) return false;
      return o.type === 'ip4' || o.type === 'ip6' ? t.toLowerCase().includes(`:${(o.val ?? '').toLowerCase()}`) : true;
    });
    if (hits.length === 1) return hits[0];
  }
  return undefined;
}

function describe(o: SpfVerifyOutcome, records: string[]): string | undefined {
  if (!o.type) return undefined;
  const q = o.qualifier && o.qualifier !== '+' ? o.qualifier : '';
  const written = termIn(o.rr ? [o.rr, ...records] : records, o);
  if (o.type === 'include') {
    const inner = o.include ? describe(o.include, records) : undefined;
    return `${written ?? `${q}include:${o.val ?? ''}`}${inner ? ` > ${inner}` : ''}`;
  }
  if (written) return written;
  if (o.type === 'all' || !o.val) return `${q}${o.type}`;
  return `${q}${o.type} (${o.val})`;
}

function commentFor(result: SpfResult, address: string, domain: string, ip: string, problem?: string): string {
  switch (result) {
    case 'pass': return `domain of ${address} designates ${ip} as permitted sender`;
    case 'softfail': return `domain of transitioning ${address} does not designate ${ip} as permitted sender`;
    case 'fail': return `domain of ${address} does not designate ${ip} as permitted sender`;
    case 'neutral': return `${ip} is neither permitted nor denied by domain of ${address}`;
    case 'none': return `${domain} does not designate permitted sender hosts`;
    case 'permerror': return `permanent error in processing during lookup of ${address}${problem ? `: ${problem}` : ''}`;
    case 'temperror': return `error in processing during lookup of ${address}${problem ? `: ${problem}` : ''}`;
  }
}

export async function checkSpf(input: SpfInput, resolver: MailauthResolver, limits: { maxLookups?: number; maxVoid?: number } = {}): Promise<SpfVerdict> {
  const ip = unmap(input.ip.trim());
  const helo = input.helo.trim();
  const identity = input.identity ?? (input.sender ? 'mailfrom' : 'helo');
  const { address, domain } = spfIdentity(identity === 'helo' ? '' : input.sender, helo);
  const lim = createSpfLimiter(resolver, limits);
  const verdict = (result: SpfResult, extra: { problem?: string; mechanism?: string } = {}): SpfVerdict => ({
    result, identity, sender: address, domain, clientIp: ip, helo,
    ...(extra.mechanism ? { mechanism: extra.mechanism } : {}),
    lookups: { count: lim.state.count, limit: lim.maxLookups, void: lim.state.void, voidLimit: lim.maxVoid },
    comment: commentFor(result, address, domain, ip, extra.problem),
    ...(extra.problem ? { problem: extra.problem } : {}),
    records: lim.state.records,
  });

  if (!net.isIP(ip)) return verdict('none', { problem: `no valid client IP address (${JSON.stringify(input.ip)})` });
  const bad = spfDomainProblem(domain);
  if (bad) return verdict('none', { problem: bad });

  let outcome: SpfVerifyOutcome | false | undefined;
  try {
    outcome = await spfVerify(domain, {
      sender: address, ip, mta: input.hostname,
      helo: helo && net.isIP(helo) ? `[${helo}]` : helo,
      resolver: lim.resolver, createSubResolver: lim.createSubResolver,
    });
  } catch (e) {
    const r = (e as SpfError).spfResult;
    if (r) {
      const kind = r.error === 'none' || r.error === 'temperror' ? r.error : 'permerror';
      return verdict(kind, { problem: r.text ?? r.message ?? (e as Error).message });
    }
    // Not from DNS (the limiter tags every DNS failure): something in the record broke the evaluator.
    return verdict('permerror', { problem: `record could not be evaluated: ${(e as Error)?.message ?? String(e)}` });
  }
  if (!outcome) return verdict('neutral', { mechanism: 'no mechanism matched (default ?all)' });
  if (outcome.error) {
    const kind = outcome.error === 'temperror' || outcome.error === 'none' ? outcome.error : 'permerror';
    return verdict(kind === 'none' ? 'permerror' : kind, { problem: outcome.text ?? 'error in an included record' });
  }
  const result = QUALIFIER[outcome.qualifier ?? '?'] ?? 'neutral';
  const mechanism = outcome.type ? describe(outcome, lim.state.records.map((r) => r.record)) : 'no mechanism matched (default ?all)';
  return verdict(result, mechanism ? { mechanism } : {});
}
