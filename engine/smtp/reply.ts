// The only place a verdict becomes an SMTP reply (Postfix smtpd_chat_reply): a rejection travels
// to smtp-server as an Error whose responseCode is the code and whose message starts with the
// enhanced status, so smtp-server never adds a status of its own (see connection-hooks).
import type { Decisive } from '../policy/types';

export function smtpError(code: number, status: string, text: string): Error & { responseCode: number } {
  const e = new Error(`${status} ${text}`) as Error & { responseCode: number };
  e.responseCode = code;
  return e;
}

/**
 * Postfix's reply assembly (MTA-SEMANTICS §1.4): a code outside 4xx/5xx becomes 450 4.7.1; the
 * DSN's class digit follows the code; text is capped at 510 characters, controls become spaces.
 */
export function replyFromVerdict(v: Decisive): Error & { responseCode: number } {
  let { code, status, text } = v;
  if (!(code >= 400 && code < 600)) { code = 450; status = '4.7.1'; text = 'Service unavailable'; }
  const cls = String(code)[0] as string;
  status = /^\d\.\d{1,3}\.\d{1,3}$/.test(status) ? cls + status.slice(1) : `${cls}.7.1`;
  const clean = text.replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 510);
  const e = smtpError(code, status, clean);
  if (v.disconnect) (e as Error & { close?: boolean }).close = true;
  return e;
}
