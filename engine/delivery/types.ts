// The one record every delivery outcome uses (Postfix dsn.h): RFC 3463 status, RFC 3464 action.

export type DsnAction = 'delivered' | 'delayed' | 'failed' | 'relayed' | 'expanded';

export interface Dsn {
  action: DsnAction;
  /** RFC 3463 enhanced status, e.g. "5.1.1". */
  status: string;
  /** Human-readable reason (the remote reply text, or what went wrong locally). */
  reason: string;
  /** The host that answered ("dns; mx.example.net"), when a remote MTA was involved. */
  remoteMta?: string;
  /** "smtp; 550 5.1.1 <bob@example.net>: User unknown" when a remote reply exists. */
  diagnostic?: string;
}

/** A message as the delivery agents need it: the spool file and the envelope. */
export interface DeliverableMessage {
  id: string;
  /** Envelope sender; '' for the null sender <>. */
  sender: string;
  /** Spool file: our trace headers + the message as received, CRLF line ends. */
  spoolPath: string;
  size: number;
  arrivedAt: number;
}

/** Where a recipient goes next. */
export type NextHop =
  | { kind: 'local'; domain: string; localPart: string }
  | { kind: 'smtp'; host: string; port: number; /** true: host is a literal next hop ([host]), no MX lookup */ noMx: boolean; via: 'transport' | 'relayhost' | 'mx' };
