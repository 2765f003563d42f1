// permit_auth_destination: PERMIT a recipient we are the final destination for, unless its
// local part carries sender-specified routing (allow_untrusted_routing=no, MTA-SEMANTICS §8.6).
// Also the test that reject_unauth_destination and defer_unauth_destination invert.
import { accept, defineCheck, next } from '../types';
import type { PolicyContext } from '../types';

export interface Destination {
  local: boolean;
  why: string;
}

/**
 * Is this recipient (as given; an RFC 821 source route already stripped) ours to accept?
 * The domain loses one trailing dot (not "..") and its case. Any "@", "%" or "!" in the local
 * part, quoted or not, is routing chosen by the sender, so the address is never local.
 */
export function authDestination(recipient: string, isLocalDomain: PolicyContext['isLocalDomain']): Destination {
  const at = recipient.lastIndexOf('@');
  if (at < 0) return { local: false, why: `<${recipient}> has no domain` };
  const localPart = recipient.slice(0, at);
  let domain = recipient.slice(at + 1);
  if (domain.length > 1 && domain.endsWith('.') && !domain.endsWith('..')) domain = domain.slice(0, -1);
  domain = domain.toLowerCase();
  if (domain === '') return { local: false, why: `<${recipient}> has an empty domain` };
  if (!isLocalDomain(domain)) return { local: false, why: `${domain} is not a local domain` };
  const routing = /[@%!]/.exec(localPart);
  if (routing) return { local: false, why: `sender-specified routing ("${routing[0]}" in the local part of a local domain)` };
  return { local: true, why: `${domain} is a local domain` };
}

export default defineCheck({
  name: 'permit_auth_destination',
  stage: 'rcpt',
  run({ recipient, isLocalDomain, note }) {
    if (recipient === undefined) return next();
    const d = authDestination(recipient, isLocalDomain);
    note(d.why);
    return d.local ? accept() : next();
  },
});
