// reject_unauth_destination: refuse a recipient we are not the final destination for
// (relay_domains_reject_code 554). The open-relay guard of the relay list.
import { defineCheck, next, reject } from '../types';
import { authDestination } from './permit_auth_destination';

export default defineCheck({
  name: 'reject_unauth_destination',
  stage: 'rcpt',
  run({ recipient, isLocalDomain, note }) {
    if (recipient === undefined) return next();
    const d = authDestination(recipient, isLocalDomain);
    note(d.why);
    return d.local ? next() : reject(554, '5.7.1', `<${recipient}>: Relay access denied`);
  },
});
