// ESMTP parameters of MAIL FROM and RCPT TO as Postfix 3.7 smtpd reads them (mail_cmd, rcpt_cmd):
// MAIL knows SIZE, BODY=7BIT|8BITMIME, SMTPUTF8, AUTH=, RET=, ENVID=; RCPT knows NOTIFY= and ORCPT=.
// Anything else is "555 5.5.4 Unsupported option: <word>"; a bad value gets Postfix's 501/552/503.
// Parameters are read left to right and the first bad one answers; HELO vs EHLO makes no difference.
// Input: the words after the address (untrusted client text). Output: plain values, never an exception.

export interface ParamReply { code: number; status: string; text: string }

/** smtp-server's shape: KEY upper-cased; a bare keyword is `true`. Never a duplicate key. */
export type EsmtpArgs = Record<string, string | true>;

/**
 * What Postfix keeps between MAIL commands until its mail_reset() (RSET, HELO/EHLO, XCLIENT,
 * STARTTLS, the end of DATA, or a MAIL refused by the sender restrictions): the last SIZE= read
 * (state->msg_size; -1 after an overflow) and whether an AUTH= other than AUTH=<> was read
 * (state->sasl_sender). A MAIL that fails after reading them keeps them: a later MAIL without
 * SIZE= still gets 552 for the earlier SIZE, and a later AUTH= gets "multiple AUTH= options".
 */
export interface MailParamState { size: number; auth: boolean }
export const FRESH_MAIL_STATE: Readonly<MailParamState> = Object.freeze({ size: 0, auth: false });

export type MailParamsResult =
  | { ok: true; args: EsmtpArgs | false; state: MailParamState }
  | { ok: false; reply: ParamReply; state: MailParamState };
export type RcptParamsResult = { ok: true; args: EsmtpArgs | false } | { ok: false; reply: ParamReply };

const R = (code: number, status: string, text: string): ParamReply => ({ code, status, text });
export const PARAM_REPLIES = {
  badSize: R(501, '5.5.4', 'Bad message size syntax'),
  sizeOverflow: R(552, '5.3.4', 'Message size exceeds file system imposed limit'),
  sizeLimit: R(552, '5.3.4', 'Message size exceeds fixed limit'),
  badRet: R(501, '5.5.4', 'Bad RET parameter syntax'),
  badEnvid: R(501, '5.5.4', 'Bad ENVID parameter syntax'),
  multipleAuth: R(503, '5.5.4', 'Error: multiple AUTH= options'),
  badNotify: R(501, '5.5.4', 'Error: Bad NOTIFY parameter syntax'),
  badOrcpt: R(501, '5.5.4', 'Error: Bad ORCPT parameter syntax'),
} as const;
const unsupported = (word: string): ParamReply => R(555, '5.5.4', `Unsupported option: ${word}`);

/** off_t's maximum: a larger SIZE= overflows in Postfix's off_cvt_string. */
const OFF_T_MAX = 2n ** 63n - 1n;
const CONTROL = /[\x00-\x1f\x7f]/g;

/** ASCII-only case folding, as strcasecmp (String#toUpperCase maps some non-ASCII letters to ASCII). */
function upper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}
/** What follows a "KEY=" prefix (ASCII case-insensitive, as strncasecmp; "" for "KEY="), or undefined. */
function valueOf(word: string, key: string): string | undefined {
  return upper(word.slice(0, key.length + 1)) === `${key}=` ? word.slice(key.length + 1) : undefined;
}

/** MAIL declares SMTPUTF8 (the exact keyword, any case): Postfix reads this before the address. */
export function declaresSmtputf8(words: readonly string[]): boolean {
  return words.some((w) => upper(w) === 'SMTPUTF8');
}

/** Postfix xtext_unquote: "+" must be followed by two hex digits (either case); undefined if not. */
export function xtextDecode(s: string): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '+') { out += s[i]; continue; }
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  return out;
}

/** Postfix uxtext_unquote (ORCPT=utf-8;...): "\x{HEX}" escapes must be well formed and ≤ U+10FFFF. */
function uxtextValid(s: string): boolean {
  for (let i = s.indexOf('\\x{'); i >= 0; i = s.indexOf('\\x{', i + 1)) {
    const close = s.indexOf('}', i + 3);
    const hex = close < 0 ? s.slice(i + 3) : s.slice(i + 3, close);
    if (close < 0 || !/^[0-9A-Fa-f]*$/.test(hex)) return false;
    if (hex.replace(/^0+/, '').length > 6 || parseInt(hex || '0', 16) > 0x10ffff) return false;
    i = close;
  }
  return true;
}

const allDigits = (s: string): boolean => /^[0-9]+$/.test(s);
/** Postfix allprint: non-empty, printable ASCII only. */
const allPrint = (s: string): boolean => /^[\x20-\x7e]+$/.test(s);
/** A value as it goes on to smtp-server and the trace: no control characters (Postfix printable()). */
const printable = (s: string): string => s.replace(CONTROL, '?');

function put(args: EsmtpArgs | false, key: string, value: string | true): EsmtpArgs {
  const a = args || {};
  a[key] = value;
  return a;
}

/** MAIL FROM parameters, read in order (Postfix mail_cmd), starting from the kept state. */
export function mailParams(words: readonly string[], before: Readonly<MailParamState>): MailParamsResult {
  const state: MailParamState = { ...before };
  let args: EsmtpArgs | false = false;
  let ret = false;
  let envid = false;
  const fail = (reply: ParamReply): MailParamsResult => ({ ok: false, reply, state });
  for (const w of words) {
    const u = upper(w);
    let v: string | undefined;
    if (u === 'BODY=8BITMIME' || u === 'BODY=7BIT') {
      args = put(args, 'BODY', u.slice(5));
    } else if ((v = valueOf(w, 'SIZE')) !== undefined) {
      const digits = v;
      if (!allDigits(digits)) return fail(PARAM_REPLIES.badSize);
      const n = BigInt(digits);
      if (n > OFF_T_MAX) { state.size = -1; return fail(PARAM_REPLIES.sizeOverflow); }
      state.size = Number(n);
      args = put(args, 'SIZE', n.toString());
    } else if (u === 'SMTPUTF8') {
      args = put(args, 'SMTPUTF8', true);
    } else if ((v = valueOf(w, 'AUTH')) !== undefined) {
      if (state.auth) return fail(PARAM_REPLIES.multipleAuth);
      if (v !== '<>') state.auth = true;
      args = put(args, 'AUTH', printable(v) || true);
    } else if ((v = valueOf(w, 'RET')) !== undefined) {
      const value = upper(v);
      if (ret || (value !== 'FULL' && value !== 'HDRS')) return fail(PARAM_REPLIES.badRet);
      ret = true;
      args = put(args, 'RET', value);
    } else if ((v = valueOf(w, 'ENVID')) !== undefined) {
      const decoded = xtextDecode(v);
      if (envid || decoded === undefined || !allPrint(decoded)) return fail(PARAM_REPLIES.badEnvid);
      envid = true;
      args = put(args, 'ENVID', decoded);
    } else {
      return fail(unsupported(w));
    }
  }
  return { ok: true, args, state };
}

/** RCPT TO parameters, read in order (Postfix rcpt_cmd). */
export function rcptParams(words: readonly string[]): RcptParamsResult {
  let args: EsmtpArgs | false = false;
  let notify = false;
  let orcpt = false;
  for (const w of words) {
    let v: string | undefined;
    if ((v = valueOf(w, 'NOTIFY')) !== undefined) {
      if (notify || !notifyValid(v)) return { ok: false, reply: PARAM_REPLIES.badNotify };
      notify = true;
      args = put(args, 'NOTIFY', upper(v));
    } else if ((v = valueOf(w, 'ORCPT')) !== undefined) {
      if (orcpt || !orcptValid(v)) return { ok: false, reply: PARAM_REPLIES.badOrcpt };
      orcpt = true;
      args = put(args, 'ORCPT', printable(v));
    } else {
      return { ok: false, reply: unsupported(w) };
    }
  }
  return { ok: true, args };
}

/** Postfix dsn_notify_mask: names split on commas/white space, NEVER alone or any of SUCCESS, FAILURE, DELAY. */
function notifyValid(value: string): boolean {
  const names = upper(value).split(/[,\s]+/).filter((n) => n !== '');
  if (names.length === 0 || !names.every((n) => ['NEVER', 'SUCCESS', 'FAILURE', 'DELAY'].includes(n))) return false;
  return !names.includes('NEVER') || names.every((n) => n === 'NEVER');
}

/** ORCPT=type;address: a non-empty type, and the address in xtext (uxtext for type utf-8). */
function orcptValid(value: string): boolean {
  const semi = value.indexOf(';');
  if (semi <= 0) return false;
  const type = value.slice(0, semi);
  const coded = value.slice(semi + 1);
  return upper(type) === 'UTF-8' ? uxtextValid(coded) : xtextDecode(coded) !== undefined;
}
