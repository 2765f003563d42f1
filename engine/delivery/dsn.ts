// dsn: the failure/delay notice (RFC 3464 multipart/report, in the shape Postfix's bounce(8)
// emits), the "is this itself a report?" test, and the backscatter rule of MTA-SEMANTICS §7.2
// deciding whether a notice may be sent at all. Pure functions: no I/O.
import crypto from 'node:crypto';
import type { NetworkClass } from '../config/schema';
import type { Dsn } from './types';

export interface NoticeRecipient {
  rcpt: string;
  dsn: Dsn;
  /** ORCPT (RFC 3461) or the address before alias expansion. */
  origRcpt?: string;
}

export interface FailureNoticeInput {
  reportingMta: string;
  queueId: string;
  arrivalDate: Date;
  /** Envelope sender of the original message: the notice goes to it (never '' — see mayNotify). */
  sender: string;
  recipients: NoticeRecipient[];
  /** The original message's header block (any line endings). */
  headersOfOriginal: string;
  /** true: "still being retried" warning instead of a failure notice. */
  delay?: boolean;
  /** Delay notices: when retrying stops (Will-Retry-Until). */
  willRetryUntil?: Date;
  /** Date of the notice (defaults to now); for reproducible output. */
  now?: Date;
}

const CRLF = '\r\n';

/**
 * Build the notice as a complete message (CRLF line ends), to be sent with MAIL FROM:<> to
 * `sender`. Throws on a programming error (null sender, no recipients).
 */
export function buildFailureNotice(o: FailureNoticeInput): string {
  if (!o.sender) throw new Error('buildFailureNotice: no notice is ever sent to the null sender <> (RFC 5321 §6.1)');
  if (o.recipients.length === 0) throw new Error('buildFailureNotice: no recipients to report on');
  const host = line(o.reportingMta);
  const now = o.now ?? new Date();
  const sec = Math.floor(now.getTime() / 1000);
  const qid = o.queueId.replace(/[^A-Za-z0-9]/g, '') || 'NOQUEUE';
  const boundary = `${qid}.${sec}.${crypto.randomBytes(4).toString('hex')}/${host.replace(/[^A-Za-z0-9.-]/g, '')}`;
  const messageId = `<${stamp(now)}.${qid}.${crypto.randomBytes(3).toString('hex')}@${host}>`;
  const subject = o.delay ? 'Delayed Mail (still being retried)' : 'Undelivered Mail Returned to Sender';

  const head = [
    `Date: ${rfc5322Date(now)}`,
    `From: MAILER-DAEMON@${host} (Mail Delivery System)`,
    `Subject: ${subject}`,
    `To: ${line(o.sender)}`,
    'Auto-Submitted: auto-replied',
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;${CRLF}\tboundary="${boundary}"`,
    'Content-Transfer-Encoding: 8bit',
  ];

  const human = humanText(o, host);
  const parts = [
    head.join(CRLF),
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    `Content-Type: text/plain; charset=${/[^\x00-\x7f]/.test(human) ? 'utf-8' : 'us-ascii'}`,
    '',
    human,
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    deliveryStatus(o, host),
    '',
    `--${boundary}`,
    `Content-Description: ${o.delay ? 'Delayed Message Headers' : 'Undelivered Message Headers'}`,
    'Content-Type: text/rfc822-headers',
    '',
    headerBlock(o.headersOfOriginal),
    '',
    `--${boundary}--`,
    '',
  ];
  return parts.join(CRLF);
}

function humanText(o: FailureNoticeInput, host: string): string {
  const out = [`This is the mail system at host ${host}.`, ''];
  if (o.delay) {
    out.push(
      '####################################################################',
      '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
      '####################################################################',
      '',
      'Your message could not be delivered yet to the recipients below.',
      o.willRetryUntil ? `The mail system will keep trying until ${rfc5322Date(o.willRetryUntil)}.` : 'The mail system will keep trying.',
    );
  } else {
    out.push(
      'Your message could not be delivered to one or more recipients.',
      'The headers of your message are attached below.',
      '',
      `For further assistance, please send mail to postmaster@${host}`,
      'and include this problem report.',
    );
  }
  out.push('', '                   The mail system', '');
  for (const r of o.recipients) {
    const who = `<${line(r.rcpt)}>${r.origRcpt && r.origRcpt !== r.rcpt ? ` (expanded from <${line(r.origRcpt)}>)` : ''}`;
    out.push(...wrap(`${who}: ${line(r.dsn.reason)}`, 72, '    '), '');
  }
  return out.join(CRLF).replace(/(\r\n)+$/, '');
}

function deliveryStatus(o: FailureNoticeInput, host: string): string {
  const perMessage = [
    `Reporting-MTA: dns; ${host}`,
    `X-Postfix-Queue-ID: ${line(o.queueId)}`,
    `X-Postfix-Sender: ${addrType(o.sender)}; ${line(o.sender)}`,
    `Arrival-Date: ${rfc5322Date(o.arrivalDate)}`,
  ];
  const blocks = [perMessage.join(CRLF)];
  for (const r of o.recipients) {
    const f = [`Final-Recipient: ${addrType(r.rcpt)}; ${line(r.rcpt)}`];
    if (r.origRcpt) f.push(`Original-Recipient: ${addrType(r.origRcpt)};${line(r.origRcpt)}`);
    f.push(`Action: ${r.dsn.action}`, `Status: ${line(r.dsn.status)}`);
    if (r.dsn.remoteMta) f.push(line(`Remote-MTA: ${r.dsn.remoteMta}`));
    const diag = r.dsn.diagnostic ?? `X-Postfix; ${r.dsn.reason}`;
    f.push(fold(`Diagnostic-Code: ${line(diag)}`));
    if (o.delay && o.willRetryUntil) f.push(`Will-Retry-Until: ${rfc5322Date(o.willRetryUntil)}`);
    blocks.push(f.join(CRLF));
  }
  return blocks.join(CRLF + CRLF);
}

/** The original header block only, CRLF, no blank line inside. */
function headerBlock(h: string): string {
  const lines = h.replace(/\r\n|\n|\r/g, '\n').split('\n');
  const end = lines.findIndex((l) => l === '');
  return (end < 0 ? lines : lines.slice(0, end)).join(CRLF);
}

/** Does this header block say the message is itself a delivery report? */
export function isDeliveryReport(headers: string): boolean {
  const block = headers.replace(/\r\n|\n|\r/g, '\n').split(/\n\n/)[0] ?? '';
  const unfolded = block.replace(/\n[ \t]+/g, ' ');
  for (const l of unfolded.split('\n')) {
    const m = /^content-type\s*:\s*(.*)$/i.exec(l);
    if (!m) continue;
    const v = (m[1] ?? '').replace(/\([^)]*\)/g, '').toLowerCase();
    if (/^\s*multipart\s*\/\s*report\s*(;|$)/.test(v) && /;\s*report-type\s*=\s*"?delivery-status"?\s*(;|$)/.test(v)) return true;
  }
  return false;
}

export type NotifyDecision = { send: true } | { send: false; reason: string };

/** MTA-SEMANTICS §7.2: who may get a notice about a failure after we said 250. */
export function mayNotify(o: { sender: string; authenticated: boolean; net: NetworkClass; isReport: boolean }): NotifyDecision {
  if (!o.sender) return { send: false, reason: 'null sender: never notify about a notification (RFC 5321 §6.1)' };
  if (o.isReport) return { send: false, reason: 'the message is itself a delivery report: never notify about a notification (RFC 5321 §6.1)' };
  if (o.authenticated) return { send: true };
  if (o.net === 'local' || o.net === 'vpn') return { send: true };
  return { send: false, reason: 'sender did not authenticate and came from a public network: no backscatter, notice suppressed' };
}

// --- formatting helpers --------------------------------------------------------------------

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date in UTC: "Tue, 21 Nov 2023 09:15:02 +0000". */
export function rfc5322Date(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** rfc822, or utf-8 (RFC 6533) for an internationalised address. */
function addrType(a: string): string {
  return /[^\x00-\x7f]/.test(a) ? 'utf-8' : 'rfc822';
}

/** One line, bounded: values come from the network (remote replies, addresses). */
function line(s: string): string {
  const t = s.replace(/[\r\n\0]+/g, ' ');
  return t.length > 900 ? `${t.slice(0, 900)}…` : t;
}

/** Fold a header field at spaces so no line exceeds ~78 characters where possible. */
function fold(field: string): string {
  return wrap(field, 78, ' ').join(CRLF);
}

function wrap(text: string, width: number, indent: string): string[] {
  const words = text.split(' ').filter((w) => w !== '');
  const out: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && (cur + ' ' + w).length > width) {
      out.push(cur);
      cur = indent + w;
    } else {
      cur = cur ? `${cur} ${w}` : w;
    }
  }
  if (cur) out.push(cur);
  return out;
}
