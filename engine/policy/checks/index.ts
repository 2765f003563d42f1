// The check registry: Postfix restriction name → Check. Adding a check = one file + one line.
import type { Check } from '../types';
import check_client_access from './check_client_access';
import check_greylist from './check_greylist';
import check_helo_access from './check_helo_access';
import check_recipient_access from './check_recipient_access';
import check_sender_access from './check_sender_access';
import permit_dnswl_client from './permit_dnswl_client';
import reject_multi_recipient_bounce from './reject_multi_recipient_bounce';
import reject_non_fqdn_recipient from './reject_non_fqdn_recipient';
import reject_non_fqdn_sender from './reject_non_fqdn_sender';
import reject_rbl_client from './reject_rbl_client';
import reject_rhsbl_client from './reject_rhsbl_client';
import reject_rhsbl_helo from './reject_rhsbl_helo';
import reject_rhsbl_sender from './reject_rhsbl_sender';
import reject_unknown_helo_hostname from './reject_unknown_helo_hostname';
import reject_unknown_recipient_domain from './reject_unknown_recipient_domain';
import reject_unknown_sender_domain from './reject_unknown_sender_domain';
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
  check_client_access,
  check_greylist,
  check_helo_access,
  check_recipient_access,
  check_sender_access,
  permit_dnswl_client,
  reject_multi_recipient_bounce,
  reject_non_fqdn_recipient,
  reject_non_fqdn_sender,
  reject_rbl_client,
  reject_rhsbl_client,
  reject_rhsbl_helo,
  reject_rhsbl_sender,
  reject_unknown_helo_hostname,
  reject_unknown_recipient_domain,
  reject_unknown_sender_domain,
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
