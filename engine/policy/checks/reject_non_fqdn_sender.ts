// reject_non_fqdn_sender: refuse a MAIL FROM address whose domain is missing, not a valid host
// name, or has no dot (var_non_fqdn_code 504; Postfix's DSN 4.5.2 is sent as 5.5.2). The null
// sender and address literals ("user@[192.0.2.1]") are not judged.
import { defineCheck, next, reject } from '../types';
import type { Verdict } from '../types';
import { stripTrailingDot, validHostname } from './reject_invalid_helo_hostname';

/** Postfix reject_non_fqdn_address() for an address and its Class. */
export function nonFqdn(addr: string, cls: string, note: (s: string) => void): Verdict {
  const at = addr.lastIndexOf('@');
  const domain = at < 0 ? '' : addr.slice(at + 1);
  if (domain.startsWith('[') && domain.endsWith(']')) return next();
  const d = stripTrailingDot(domain);
  if (d !== '' && validHostname(d) && d.includes('.')) return next();
  note(d === '' ? 'no domain' : !validHostname(d) ? `"${d}" is not a valid host name` : `"${d}" has no dot`);
  return reject(504, '5.5.2', `<${addr}>: ${cls} rejected: need fully-qualified address`);
}

export default defineCheck({
  name: 'reject_non_fqdn_sender',
  stage: 'mail',
  run(ctx) {
    if (!ctx.sender) return next();
    return nonFqdn(ctx.sender, 'Sender address', ctx.note);
  },
});
