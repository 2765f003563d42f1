// defer_unauth_destination: like reject_unauth_destination, but temporary (554 - 100 = 454),
// Postfix's default relay guard: a misconfiguration defers mail instead of bouncing it.
import { defer, defineCheck, next } from '../types';
import { authDestination } from './permit_auth_destination';

export default defineCheck({
  name: 'defer_unauth_destination',
  stage: 'rcpt',
  run({ recipient, isLocalDomain, note }) {
    if (recipient === undefined) return next();
    const d = authDestination(recipient, isLocalDomain);
    note(d.why);
    return d.local ? next() : defer(454, '4.7.1', `<${recipient}>: Relay access denied`);
  },
});
