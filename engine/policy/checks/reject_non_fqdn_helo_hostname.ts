// reject_non_fqdn_helo_hostname: refuse a HELO/EHLO argument that is not a fully-qualified host
// name (a valid name with a dot). A bare IP address fails here; "[literal]" must be a valid
// address (MTA-SEMANTICS §2, verified against Postfix 3.7.11). var_non_fqdn_code 504.
import { defineCheck, next, reject } from '../types';
import { invalidLiteral, stripTrailingDot, validHostname } from './reject_invalid_helo_hostname';

export default defineCheck({
  name: 'reject_non_fqdn_helo_hostname',
  stage: 'helo',
  run({ helo, note }) {
    if (helo === undefined) return next();
    if (helo.startsWith('[')) {
      const bad = invalidLiteral(helo);
      if (bad) note('not a valid address literal');
      return bad ?? next();
    }
    const name = stripTrailingDot(helo);
    if (validHostname(name) && name.includes('.')) return next();
    note(validHostname(name) ? 'no dot in the name' : 'not a valid host name');
    return reject(504, '5.5.2', `<${helo}>: Helo command rejected: need fully-qualified hostname`);
  },
});
