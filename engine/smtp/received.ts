// Our Received: header in Postfix's format (MTA-SEMANTICS §4.1, RFC 5321 §4.4).
import net from 'node:net';

export interface ReceivedInput {
  helo?: string;
  clientName: string; // rDNS name or "unknown"
  clientIp: string;
  hostname: string;
  esmtp: boolean;
  /** MAIL FROM had SMTPUTF8 (RFC 6531): "with UTF8SMTP…". */
  smtputf8?: boolean;
  tls?: { protocol?: string; cipher?: string; bits?: number };
  authUser?: string;
  queueId: string;
  recipients: string[];
  date: Date;
}

/** Postfix's "with" value: SMTP | ESMTP | UTF8SMTP, then S (TLS) and A (SASL) for the ESMTP ones. */
export function protocolName(esmtp: boolean, tls: boolean, auth: boolean, smtputf8 = false): string {
  if (!esmtp) return 'SMTP';
  return `${smtputf8 ? 'UTF8SMTP' : 'ESMTP'}${tls ? 'S' : ''}${auth ? 'A' : ''}`;
}

export function addressLiteral(ip: string): string {
  return net.isIPv6(ip) ? `[IPv6:${ip}]` : `[${ip}]`;
}

export function buildReceived(r: ReceivedInput): string {
  // no HELO (smtpd_helo_required=no): Postfix writes the client name there ("from unknown (...)")
  const helo = r.helo && r.helo.length > 0 ? r.helo : r.clientName;
  const lines = [`Received: from ${helo} (${r.clientName} ${addressLiteral(r.clientIp)})`];
  if (r.tls?.protocol) {
    lines.push(`\t(using ${r.tls.protocol} with cipher ${r.tls.cipher ?? 'unknown'}${r.tls.bits ? ` (${r.tls.bits}/${r.tls.bits} bits)` : ''})`);
  }
  const proto = protocolName(r.esmtp, !!r.tls, !!r.authUser, !!r.smtputf8);
  const forClause = r.recipients.length === 1 ? `\r\n\tfor <${r.recipients[0]}>` : '';
  lines.push(`\tby ${r.hostname} (Relay Lab) with ${proto} id ${r.queueId}${forClause}; ${mailDate(r.date)}`);
  return lines.join('\r\n') + '\r\n';
}

const TZ_NAME = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }); // costly to build: once

let lastDate: { sec: number; text: string } | undefined; // one per second: it goes into every Received

/** RFC 5322 date with a (TZ) comment, as Postfix's mail_date(). */
export function mailDate(d: Date): string {
  const sec = Math.floor(d.getTime() / 1000);
  if (lastDate?.sec === sec) return lastDate.text;
  const text = formatMailDate(d);
  lastDate = { sec, text };
  return text;
}

function formatMailDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const tz = TZ_NAME.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  return `${days[d.getDay()]}, ${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ` +
    `${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)} (${tz})`;
}
