// What the engine knows about one SMTP connection beyond smtp-server's own session object.
import type { NetworkClass } from '../config/schema';
import type { Peer } from '../trace/events';
import type { PolicyCarry, PolicyEffect } from '../policy/types';

export interface SessionState {
  sid: string;
  /** The TCP peer. Never changes. */
  real: Peer;
  /** The client as policy sees it: the real peer, or what an authorised XCLIENT claimed. */
  client: { ip: string; port: number; name: string; net: NetworkClass };
  helo?: string;
  esmtp: boolean;
  tls?: { protocol?: string; cipher?: string; bits?: number };
  user?: string;
  /** Transactions started (txn id = <sid>.<n>). */
  txnCount: number;
  queueId?: string;
  /** The check whose verdict the next server reply carries (for the transcript). */
  replyCheck?: string;
  /** Recipients accepted in the current transaction, after normalisation. */
  rcpts: { rcpt: string; orig: string }[];
  /** Whole-message access actions recorded in this transaction (DISCARD, HOLD, PREPEND, REDIRECT, BCC). */
  effects: PolicyEffect[];
  /** defer_if_permit results carried from connect/HELO/MAIL to later stages (delay_reject no). */
  carry: PolicyCarry;
  illegalPipelining: boolean;
  xclientSeen: boolean;
}
