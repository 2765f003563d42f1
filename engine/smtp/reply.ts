// The only place a verdict becomes an SMTP reply (Postfix smtpd_chat_reply): a rejection travels
// to smtp-server as an Error whose responseCode is the code and whose message starts with the
// enhanced status, so smtp-server never adds a status of its own (see connection-hooks).
import type { Decisive } from '../policy/types';
import { formatReply } from '../policy/runner';

export function smtpError(code: number, status: string, text: string): Error & { responseCode: number } {
  const e = new Error(`${status} ${text}`) as Error & { responseCode: number };
  e.responseCode = code;
  return e;
}

/** A decisive verdict as the SMTP reply, assembled by the policy's formatReply (§1.4 rules). */
export function replyFromVerdict(v: Decisive): Error & { responseCode: number } {
  const r = formatReply(v);
  return smtpError(r.code, r.status, r.text);
}
