// Builds PolicyContext objects for policy tests. The resolver throws if used: no check under
// test needs DNS, and a test that reaches it should fail loudly. isLocalDomain is an exact,
// case-sensitive lookup, so callers' normalisation (case, trailing dot) is what is tested.
import type { PolicyContext } from '../../engine/policy/types';
import type { Resolver } from '../../engine/dns/resolver.port';

export const noDns: Resolver = {
  resolve: (name) => Promise.reject(new Error(`test resolver: no DNS in this test (asked for ${name})`)),
  reverse: (ip) => Promise.reject(new Error(`test resolver: no DNS in this test (asked for ${ip})`)),
  onQuery: () => () => undefined,
};

export interface ContextOptions extends Partial<Omit<PolicyContext, 'listener' | 'client' | 'isLocalDomain' | 'note'>> {
  listener?: Partial<PolicyContext['listener']>;
  client?: Partial<PolicyContext['client']>;
  /** Domains we are the final destination for (default relaylab.test). */
  localDomains?: readonly string[];
}

/** A context plus the notes written through ctx.note (when a check is called directly). */
export function policyContext(o: ContextOptions = {}): PolicyContext & { notes: string[] } {
  const { listener, client, localDomains = ['relaylab.test'], ...rest } = o;
  const notes: string[] = [];
  return {
    stage: 'rcpt',
    esmtp: true,
    tls: false,
    recipientCount: 0,
    illegalPipelining: false,
    resolver: noDns,
    ...rest,
    listener: { name: 'mx', role: 'mx', relayFrom: ['local'], ...listener },
    client: { ip: '192.0.2.1', port: 40000, name: 'unknown', net: 'public', ...client },
    isLocalDomain: (d) => localDomains.includes(d),
    note: (d) => { notes.push(d); },
    notes,
  };
}
