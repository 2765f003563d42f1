// The check registry: Postfix restriction name → Check. Adding a check = one file + one line.
import type { Check } from '../types';
import defer from './defer';
import defer_if_permit from './defer_if_permit';
import defer_if_reject from './defer_if_reject';
import defer_unauth_destination from './defer_unauth_destination';
import permit from './permit';
import permit_auth_destination from './permit_auth_destination';
import permit_mynetworks from './permit_mynetworks';
import permit_sasl_authenticated from './permit_sasl_authenticated';
import reject from './reject';
import reject_invalid_helo_hostname from './reject_invalid_helo_hostname';
import reject_non_fqdn_helo_hostname from './reject_non_fqdn_helo_hostname';
import reject_unauth_destination from './reject_unauth_destination';
import reject_unauth_pipelining from './reject_unauth_pipelining';
import warn_if_reject from './warn_if_reject';

const all: readonly Check[] = [
  defer,
  defer_if_permit,
  defer_if_reject,
  defer_unauth_destination,
  permit,
  permit_auth_destination,
  permit_mynetworks,
  permit_sasl_authenticated,
  reject,
  reject_invalid_helo_hostname,
  reject_non_fqdn_helo_hostname,
  reject_unauth_destination,
  reject_unauth_pipelining,
  warn_if_reject,
];

function registry(list: readonly Check[]): ReadonlyMap<string, Check> {
  const map = new Map<string, Check>();
  for (const c of list) {
    if (map.has(c.name)) throw new Error(`policy/checks: two checks are named ${c.name}`);
    map.set(c.name, c);
  }
  return map;
}

export const checks: ReadonlyMap<string, Check> = registry(all);
