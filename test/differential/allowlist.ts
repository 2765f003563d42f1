// Differences between Postfix 3.7 and Relay Lab that are accepted for now, each with its reason.
// Key: "<case id>" (the whole case) or "<case id> #<reply index>" (one reply; 0 = greeting).
// Anything not listed here fails the test. Every entry below is a known engine gap, not a choice:
// the closing note of the session that added them lists them as open work in issue 3.

const XCLIENT_NO_DELAY =
  'delay_reject=no with XCLIENT: Postfix runs the client list again for the claimed client and answers XCLIENT itself with the verdict (and carries DEFER_IF_PERMIT to RCPT); we answer 220 and do not re-run it. Engine gap: open in issue 3.';
const HELO_NOT_REQUIRED =
  'smtp-server always requires HELO/EHLO before MAIL (MTA-SEMANTICS §10); this profile sets smtpd_helo_required=no, so Postfix takes MAIL after a refused HELO and we answer 503 5.5.1. Engine gap: open in issue 3.';
const ADDRESS_SYNTAX =
  'smtp-server\'s MAIL/RCPT parser refuses addresses Postfix accepts (bare local part, trailing dot, no angle brackets, @ inside the local part): 501 where Postfix gives 250 then a policy reply. Engine gap (needs our own parser in front of smtp-server\'s): open in issue 3.';
const OWN_LITERAL =
  'Postfix treats u@[its own listening address] as local (mydestination includes the interface address); we do not and answer Relay access denied. Engine gap: open in issue 3.';

export const ALLOWLIST: Record<string, string> = {
  'access_nd/client-192.0.2.11': XCLIENT_NO_DELAY,
  'access_nd/client-192.0.2.12': XCLIENT_NO_DELAY,
  'access_nd/client-192.0.2.13': XCLIENT_NO_DELAY,
  'access_nd/client-192.0.2.24': XCLIENT_NO_DELAY,
  'access_nd/client-192.0.2.28': XCLIENT_NO_DELAY,
  'access_nd/client-name-parent': XCLIENT_NO_DELAY,
  'access_nd/helo-helo-class': HELO_NOT_REQUIRED,
  'access_nd/helo-helo-defer': HELO_NOT_REQUIRED,
  'access_nd/helo-helo-defer/real': HELO_NOT_REQUIRED,
  'access_nd/helo-helo-num': HELO_NOT_REQUIRED,
  'access_nd/helo-helo-num/real': HELO_NOT_REQUIRED,
  'access_nd/helo-helo-num4': HELO_NOT_REQUIRED,
  'access_nd/helo-helo-reject': HELO_NOT_REQUIRED,
  'access_nd/helo-helo-reject/real': HELO_NOT_REQUIRED,
  'access_nd/helo-sub.parent': HELO_NOT_REQUIRED,
  'base/multi-rcpt-mixed': ADDRESS_SYNTAX,
  'base/rcpt-bare/mynetworks': ADDRESS_SYNTAX,
  'base/rcpt-bare/public': ADDRESS_SYNTAX,
  'base/rcpt-double-at/mynetworks': ADDRESS_SYNTAX,
  'base/rcpt-double-at/public': ADDRESS_SYNTAX,
  'base/rcpt-quoted-at/mynetworks': ADDRESS_SYNTAX,
  'base/rcpt-quoted-at/public': ADDRESS_SYNTAX,
  'base/rcpt-trailing-dot/mynetworks': ADDRESS_SYNTAX,
  'base/rcpt-trailing-dot/public': ADDRESS_SYNTAX,
  'base/sender-bare': ADDRESS_SYNTAX,
  'base/sender-no-brackets': ADDRESS_SYNTAX,
  'base/sender-trailing-dot': ADDRESS_SYNTAX,
  'base_nd/sender-bare': ADDRESS_SYNTAX,
  'base_nd/sender-no-brackets': ADDRESS_SYNTAX,
  'base_nd/sender-trailing-dot': ADDRESS_SYNTAX,
  'ifs/dip-bare': ADDRESS_SYNTAX,
  'ifs/plain-bare': ADDRESS_SYNTAX,
  'base/rcpt-literal-ours/public': OWN_LITERAL,
};
