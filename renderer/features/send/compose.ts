// Pure helpers of the Send form: extra header lines, and the equivalent swaks command.
import type { HeaderField } from '../../../engine/api/contract';
import type { MessagesSendInput } from '../../../engine/api/contract';

/** "Name: value" lines → header fields, or the first problem. */
export function parseHeaderLines(text: string): { headers: HeaderField[]; error?: string } {
  const headers: HeaderField[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (/^[ \t]/.test(line) && headers.length) {
      headers[headers.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    const m = /^([!-9;-~]+):\s*(.*)$/.exec(line);
    if (!m) return { headers, error: `line ${i + 1}: expected "Name: value"` };
    headers.push({ name: m[1]!, value: m[2]! });
  }
  return { headers };
}

const q = (s: string): string => (/^[A-Za-z0-9@._+:\/=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function swaksCommand(i: MessagesSendInput, address: string, port: number, tls: string): string {
  const parts = ['swaks', '--server', `${address}:${port}`, '--ehlo', q(i.helo ?? 'compose.relaylab.test'), '--from', q(i.sender || '<>'), '--to', q(i.recipients.join(','))];
  if (tls === 'implicit') parts.push('--tls-on-connect');
  else if (i.starttls !== false && tls !== 'none') parts.push('--tls');
  if (i.auth) parts.push('--auth', 'PLAIN', '--auth-user', q(i.auth.user), '--auth-password', "'…'");
  if (i.from) parts.push('--header', q(`From: ${i.from}`));
  if (i.subject) parts.push('--header', q(`Subject: ${i.subject}`));
  for (const h of i.headers ?? []) parts.push('--header', q(`${h.name}: ${h.value}`));
  parts.push('--body', q(i.text));
  if (i.xclient) parts.push('--xclient-addr', q(i.xclient.addr), ...(i.xclient.name ? ['--xclient-name', q(i.xclient.name)] : []), ...(i.xclient.helo ? ['--xclient-helo', q(i.xclient.helo)] : []));
  return parts.join(' ');
}
