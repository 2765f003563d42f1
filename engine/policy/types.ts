// Restriction checks: the vocabulary (Stage, Verdict, Check) shared by the runner, every check
// file and the SMTP layer. A check returns a value; it never throws on purpose.
import type { NetworkClass } from '../config/schema';
import type { Resolver } from '../dns/resolver.port';
import type { GreylistDecision } from '../greylist/greylist';
import type { TableOpener } from '../tables/types';

/** SMTP event at which a list is evaluated. */
export type Stage = 'connect' | 'helo' | 'mail' | 'rcpt' | 'data' | 'end_of_data';

/** Postfix's restriction lists, by their config names (policy.<list>). */
export type ListName = 'client' | 'helo' | 'sender' | 'relay' | 'recipient' | 'data' | 'end_of_data';

export type Verdict =
  | { kind: 'next' } // Postfix DUNNO, Haraka CONT
  | { kind: 'accept' } // OK / PERMIT: ends this list only
  | { kind: 'reject' | 'defer'; code: number; status: string; text: string; disconnect?: boolean };

export type Decisive = Extract<Verdict, { kind: 'reject' | 'defer' }>;

export const next = (): Verdict => ({ kind: 'next' });
export const accept = (): Verdict => ({ kind: 'accept' });
export const reject = (code: number, status: string, text: string): Decisive => ({ kind: 'reject', code, status, text });
export const defer = (code: number, status: string, text: string): Decisive => ({ kind: 'defer', code, status, text });

/** What a check may look at. Built by the SMTP layer per command. */
export interface PolicyContext {
  stage: Stage;
  listener: { name: string; role: 'mx' | 'submission'; relayFrom: readonly NetworkClass[] };
  /** The client as policy sees it (after XCLIENT, the claimed one). name is "unknown" without rDNS. */
  client: { ip: string; port: number; name: string; net: NetworkClass };
  helo?: string;
  esmtp: boolean;
  tls: boolean;
  saslUser?: string;
  /** Envelope sender as given ('' for <>); undefined before MAIL. */
  sender?: string;
  /** The recipient being checked (RCPT stage), as given. */
  recipient?: string;
  /** Recipients accepted so far in this transaction. */
  recipientCount: number;
  /** The client sent a command before it was allowed to (RFC 2920 pipelining violation). */
  illegalPipelining: boolean;
  /** Are we the final destination for this domain (domains, or virtual alias domains later)? */
  isLocalDomain(domain: string): boolean;
  resolver: Resolver;
  /** Add a line of reasoning to this check's trace event. */
  note(detail: string): void;
  /** Set by the runner for each check: the list being evaluated (it picks the reply's <name> and Class). */
  list?: ListName;
  /** Set by the runner for each check: Postfix's per-command state flags and nested lists. */
  hooks?: PolicyHooks;
  /**
   * delay_reject=no only: one object per SMTP session, kept by the SMTP layer, in which the runner
   * carries a defer_if_permit raised at connect, HELO or MAIL forward to RCPT (PF smtpd_check_*).
   */
  carry?: PolicyCarry;
  /** check_greylist's state (postgrey semantics), provided by the engine. */
  greylist?: { check(ip: string, sender: string, recipient: string): GreylistDecision; hostname: string };
  /** Opens lookup tables by spec ("texthash:tables/access"), one Table per spec (engine-wide cache). */
  tables?: TableOpener;
  /** recipient_delimiter: the characters that start an address extension (default "+"; "" = none). */
  recipientDelimiter?: string;
  /** myorigin: the domain a bare local part belongs to (access lookups, unknown-domain checks). */
  myorigin?: string;
  /** rbl_reply_maps: tables mapping a DNSxL domain to a reply template (Postfix rbl_reply_maps). */
  rblReplyMaps?: readonly string[];
  /**
   * An earlier command of this transaction recorded a DISCARD: Postfix then skips every
   * restriction until the transaction ends (smtpd_check.c generic_checks, state->discard).
   */
  discard?: boolean;
  /**
   * Set by the runner while it evaluates a table result (check_*_access → "permit_mynetworks,
   * reject"): the nested restrictions reply with the table check's name and Class, not the list's.
   */
  reply?: ReplyAs;
}

/** The <name> and Class a reply uses ("<a@b>: Sender address rejected: ..."). */
export interface ReplyAs {
  name: string;
  class: string;
}

/**
 * An access action that affects the whole message rather than this command (access(5)):
 * recorded in the outcome for the SMTP layer to apply if the message is accepted.
 */
export type PolicyEffect = (
  | { kind: 'discard'; text: string }
  | { kind: 'hold'; text: string }
  | { kind: 'prepend'; header: string }
  | { kind: 'redirect'; address: string }
  | { kind: 'bcc'; address: string }
  | { kind: 'filter'; nexthop: string }
) & {
  /** The restriction that recorded it, as configured (set by the runner). */
  by?: string;
};

/** A remembered deferral and the check that raised it. */
export interface DeferredVerdict {
  verdict: Decisive;
  by: string;
}

/** defer_if_permit raised by each earlier stage (delay_reject=no). */
export interface PolicyCarry {
  client?: DeferredVerdict;
  helo?: DeferredVerdict;
  sender?: DeferredVerdict;
}

/** What the runner lets a check do beyond returning a verdict (MTA-SEMANTICS §1.4). */
export interface PolicyHooks {
  /** defer_if_permit: remember v (first wins); an eventual PERMIT of this command becomes v. Ignored under warn_if_reject. */
  deferIfPermit(v: Decisive): void;
  /** defer_if_reject: remember v (first wins); a later 5xx in this list group becomes v. */
  deferIfReject(v: Decisive): void;
  /** warn_if_reject: the next restriction's reject is only noted (reject_warning), not enforced. */
  warnIfReject(): void;
  /**
   * Evaluate a table result such as "permit_mynetworks, reject" as a nested restriction list
   * (restriction classes allowed). Bad names, "type:table" or depth > 100 give 451 4.3.5.
   */
  evaluate(restrictions: string, reply?: ReplyAs): Promise<Verdict>;
  /** Record a whole-message action (DISCARD, HOLD, PREPEND, REDIRECT, BCC, FILTER) in the outcome. */
  effect?(e: PolicyEffect): void;
}

export interface Check {
  /** Postfix's name (== file name), used in config and trace. */
  name: string;
  /** Earliest stage whose data the check needs; it may also appear in any later list. */
  stage: Stage;
  /** Checks taking arguments (e.g. "reject_rbl_client zen.example") declare how many. */
  args?: number;
  /** Every argument is a table spec (check_*_access): the engine may open them at start. */
  tableArgs?: boolean;
  /** Checked when the config is loaded: why these arguments cannot work, or undefined. */
  validateArgs?(args: readonly string[]): string | undefined;
  run(ctx: PolicyContext, args: readonly string[]): Promise<Verdict> | Verdict;
}

export function defineCheck(c: Check): Check {
  return c;
}

/** One check's outcome as the trace records it. */
export interface CheckResult {
  list: ListName;
  /** The check's name and its arguments, as configured ("reject_rbl_client zen.example.test"). */
  check: string;
  /** The verdict as it took effect (after warn_if_reject / defer_if_reject and reply assembly). */
  verdict: Verdict;
  detail?: string;
  ms: number;
  /** Restriction classes (or table results) this step ran inside, outermost first. */
  via?: string[];
  /** The check threw or timed out; its verdict is then 451 4.3.5. */
  error?: string;
}

/** The runner's answer for one SMTP event: the decisive verdict (or accept) and every step. */
export interface StageOutcome {
  verdict: Verdict;
  /** The check that produced the decisive verdict (for "which check produced this reply"). */
  decidedBy?: string;
  steps: CheckResult[];
  /** The runner's own reasoning: postmaster bypass, skipped lists, defer_if_permit applied. */
  notes?: string[];
  /**
   * Whole-message actions recorded during this evaluation (in order), whatever the verdict:
   * Postfix keeps them for the transaction even when this command is then rejected.
   */
  effects?: PolicyEffect[];
}

/** Postfix's Class strings (smtpd_dsn_fix.h) per list. */
const listClass: Record<ListName, string> = {
  client: 'Client host',
  helo: 'Helo command',
  sender: 'Sender address',
  relay: 'Recipient address',
  recipient: 'Recipient address',
  data: 'Data command',
  end_of_data: 'End-of-data',
};

/** The list a stage evaluates by default, for a context the runner did not annotate. */
const stageList: Record<Stage, ListName> = {
  connect: 'client',
  helo: 'helo',
  mail: 'sender',
  rcpt: 'recipient',
  data: 'data',
  end_of_data: 'end_of_data',
};

export function listOf(ctx: Pick<PolicyContext, 'list' | 'stage'>): ListName {
  return ctx.list ?? stageList[ctx.stage];
}

/** The Class in "<name>: <Class> rejected: ..." for the list being evaluated. */
export function replyClass(ctx: Pick<PolicyContext, 'list' | 'stage' | 'reply'>): string {
  return ctx.reply?.class ?? listClass[listOf(ctx)];
}

/** The <name> in "<name>: <Class> rejected: ...": client name[addr], helo arg, address as given, or the command. */
export function replyName(ctx: PolicyContext): string {
  if (ctx.reply) return ctx.reply.name;
  switch (listOf(ctx)) {
    case 'client': return `${ctx.client.name}[${ctx.client.ip}]`;
    case 'helo': return ctx.helo ?? '';
    case 'sender': return ctx.sender ?? '';
    case 'relay':
    case 'recipient': return ctx.recipient ?? '';
    case 'data': return 'DATA';
    case 'end_of_data': return 'END-OF-MESSAGE';
  }
}
