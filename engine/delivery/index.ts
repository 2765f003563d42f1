// delivery: the delivery agents — local Maildir, outbound SMTP (transport map / relayhost / MX), failure notices.
// Inputs: a DeliverableMessage (spool file + envelope) and a recipient; config routing; the dns Resolver port.
// Outputs: one Dsn per recipient (Postfix dsn.h: action, RFC 3463 status, reason, remote MTA, diagnostic).
// Trust: talks to remote SMTP servers and writes the mail store; names from the network never leave mailRoot.
export type { DeliverableMessage, Dsn, DsnAction, NextHop } from './types';
export { deliverToMaildir, mailboxDir, encodeComponent, maildirName } from './maildir';
export type { MaildirDelivery } from './maildir';
export { resolveNextHop, parseNexthop, parseTransport, validateTransportMap, mxTargets } from './nexthop';
export type { RoutingConfig, ParsedNexthop, TransportEntry, SmtpHop, MxTarget, MxOptions } from './nexthop';
export { openSmtpSession, assertHeloName, StrayCrLfFilter } from './smtp-client';
export type { SmtpSession, SmtpSessionOptions } from './smtp-client';
export { classify, replyText, statusOf } from './classify';
export { buildFailureNotice, isDeliveryReport, mayNotify, rfc5322Date } from './dsn';
export type { FailureNoticeInput, NoticeRecipient, NotifyDecision } from './dsn';
