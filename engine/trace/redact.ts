// Credentials never reach the trace or a log: AUTH arguments and SASL continuation lines are
// replaced before a line leaves the SMTP layer (smtp-server redacts too; this is the backstop).

/** Redact a client line. `inSasl` is true while an AUTH exchange is waiting for client data. */
export function redactClientLine(line: string, inSasl: boolean): string {
  if (inSasl) return '*** (SASL response redacted)';
  const m = /^(AUTH)\s+(\S+)(\s+.*)?$/i.exec(line.trim());
  if (m) return `${m[1]} ${m[2]}${m[3] ? ' ***' : ''}`;
  return line;
}
