// policy: Postfix's smtpd restriction lists, evaluated per SMTP event (MTA-SEMANTICS §1.2–1.4, §2).
// Inputs: the policy config (validated once by createPolicy) and a PolicyContext per command.
// Outputs: a StageOutcome (the deciding verdict + one trace step per check); formatReply for the wire.
// Trust: reads untrusted peer data (HELO, addresses) only as values; no I/O except checks' DNS port.
export * from './types';
export { createPolicy, formatReply, heloRequiredReply, PolicyConfigError } from './runner';
export type { Policy, PolicyOptions } from './runner';
export { checks } from './checks';
