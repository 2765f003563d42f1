// Access tables in restrictions (Postfix smtpd_check.c check_table_result, check_*_access):
// the lookup in access(5) order, and what the value found means. A value is an action (OK,
// REJECT text, DEFER, DEFER_IF_PERMIT, 4NN/5NN text, DISCARD, HOLD, PREPEND, REDIRECT, ...)
// or, failing that, a restriction list evaluated recursively (restriction classes). A table
// that cannot answer gives "451 4.3.5 <name>: <Class> rejected: Server configuration error",
// exactly as Postfix feeds that text through the same code (never "not found").
import { findAccess, type Query } from '../tables/access';
import type { Table } from '../tables/types';
import { accept, defer, next, reject } from './types';
import type { PolicyContext, ReplyAs, Verdict } from './types';

/** RFC 3463 status at the start of text ("5.7.1 rest"), as Postfix dsn_valid(): its length or 0. */
function dsnLength(text: string): number {
  const m = /^[245]\.\d{1,3}\.\d{1,3}(?=$|[ \t\n\v\f\r])/.exec(text);
  return m ? m[0].length : 0;
}

/** Postfix dsn_split(): an optional leading status in text, else the default; and the rest. */
export function dsnSplit(def: string, text: string): { dsn: string; text: string } {
  const t = text.replace(/^[ \t\n\v\f\r]+/, '');
  const n = dsnLength(t);
  if (n === 0) return { dsn: def, text: t };
  return { dsn: t.slice(0, n), text: t.slice(n + 1).replace(/^[ \t\n\v\f\r]+/, '') };
}

const SENDER = 'Sender address';
const RECIPIENT = 'Recipient address';
const SND: Record<string, string> = { 1: '4.1.7', 2: '4.1.8', 3: '4.1.7', 4: '4.1.7', 5: '4.1.0', 6: '4.1.7', 7: '4.1.7', 8: '4.1.8' };
const RCPT: Record<string, string> = { 1: '4.1.1', 2: '4.1.2', 3: '4.1.3', 4: '4.1.4', 5: '4.1.5', 6: '4.1.6', 7: '4.1.3', 8: '4.1.2' };

/**
 * Postfix smtpd_dsn_fix(): an address status X.1.Y from a table or DNSxL is mapped to fit what
 * is being rejected (sender codes for a sender, recipient codes for a recipient, X.1.0 for
 * codes that have no counterpart, X.0.0 for non-address Classes). The first digit is then
 * forced to the reply code's digit by reply assembly.
 */
export function dsnFix(status: string, cls: string): string {
  const m = /^(\d)\.1\.(\d+)$/.exec(status);
  if (!m) return status;
  const fixed = cls === SENDER ? SND[m[2]!] ?? '4.1.0' : cls === RECIPIENT ? RCPT[m[2]!] ?? '4.1.0' : '4.0.0';
  return `${m[1]}${fixed.slice(1)}`;
}

/**
 * Verdict for a code chosen by a table or template: reject for 5xx, defer for 4xx; 421/521 hang
 * up. The status's first digit is set to the code's, as reply assembly would.
 */
export function coded(code: number, status: string, text: string): Verdict {
  const st = `${String(code)[0]}${status.slice(1)}`;
  const v = code >= 500 ? reject(code, st, text) : defer(code, st, text);
  if (code === 421 || code === 521) v.disconnect = true;
  return v;
}

/** Actions that need a mail transaction (Postfix not_in_client_helo): not at connect/HELO with delay_reject=no. */
function noTransaction(ctx: PolicyContext, action: string): boolean {
  if (ctx.sender !== undefined) return false;
  ctx.note(`${action} is skipped here: it needs a mail transaction (with delay_reject: false, client and helo lists run before MAIL FROM)`);
  return true;
}

const isHeader = (s: string): boolean => /^[!-9;-~]+[ \t]*:/.test(s);

export interface TableValue {
  /** The table spec, for notes. */
  table: string;
  value: string;
  reply: ReplyAs;
  /** The recipient uses sender-specified routing: "OK" means DUNNO (Postfix SUSPICIOUS()). */
  routed?: boolean;
}

/** check_table_result(): what a value found in an access table does. */
export async function tableResult(ctx: PolicyContext, r: TableValue): Promise<Verdict> {
  const { value, reply } = r;
  const split = /^([^ \t]*)[ \t]*/.exec(value)!;
  const cmd = split[1]!.toUpperCase();
  const text = value.slice(split[1]!.length).replace(/^[ \t\n\v\f\r]+/, '');
  const prefix = `<${reply.name}>: ${reply.class} rejected: `;
  const hooks = ctx.hooks;

  switch (cmd) {
    case 'DUNNO': return next();
    case 'REJECT': {
      const d = dsnSplit('5.7.1', text);
      return reject(554, dsnFix(d.dsn, reply.class), prefix + (d.text || 'Access denied'));
    }
    case 'DEFER': {
      const d = dsnSplit('4.7.1', text);
      return defer(450, dsnFix(d.dsn, reply.class), prefix + (d.text || 'Access denied'));
    }
    case 'HANGUP':
      ctx.note('HANGUP (an unsupported Postfix test feature) is not implemented: treated as DUNNO');
      return next();
    case 'INFO':
    case 'WARN':
      ctx.note(`${cmd.toLowerCase()}: <${reply.name}>: ${reply.class} ${text}`.trimEnd());
      return next();
    case 'FILTER':
      if (noTransaction(ctx, 'FILTER')) return next();
      if (!text.includes(':')) { ctx.note(`access table ${r.table}: FILTER requires transport:destination`); return next(); }
      hooks?.effect?.({ kind: 'filter', nexthop: text });
      ctx.note(`<${reply.name}>: ${reply.class} triggers FILTER ${text}`);
      return next();
    case 'HOLD':
      if (noTransaction(ctx, 'HOLD')) return next();
      hooks?.effect?.({ kind: 'hold', text: text || 'triggers HOLD action' });
      ctx.note(`hold: <${reply.name}>: ${reply.class} ${text || 'triggers HOLD action'}`);
      return next();
    case 'DISCARD':
      if (noTransaction(ctx, 'DISCARD')) return next();
      hooks?.effect?.({ kind: 'discard', text: text || 'triggers DISCARD action' });
      ctx.note(`discard: <${reply.name}>: ${reply.class} ${text || 'triggers DISCARD action'}`);
      return accept();
    case 'REDIRECT':
    case 'BCC':
      if (noTransaction(ctx, cmd)) return next();
      if (!text.includes('@')) { ctx.note(`access table ${r.table}: ${cmd} requires a user@domain target`); return next(); }
      hooks?.effect?.(cmd === 'REDIRECT' ? { kind: 'redirect', address: text } : { kind: 'bcc', address: text });
      ctx.note(`<${reply.name}>: ${reply.class} triggers ${cmd} ${text}`);
      return next();
    case 'DEFER_IF_PERMIT': {
      const d = dsnSplit('4.7.1', text);
      const v = defer(450, dsnFix(d.dsn, reply.class), prefix + (d.text || 'Service unavailable'));
      if (!hooks) { ctx.note('no runner state for DEFER_IF_PERMIT: deferring now'); return v; }
      hooks.deferIfPermit(v);
      return next();
    }
    case 'DEFER_IF_REJECT': {
      const d = dsnSplit('4.7.1', text);
      hooks?.deferIfReject(defer(450, dsnFix(d.dsn, reply.class), prefix + (d.text || 'Service unavailable')));
      return next();
    }
    case 'PREPEND':
      if (noTransaction(ctx, 'PREPEND')) return next();
      if (ctx.stage === 'end_of_data') { ctx.note(`access table ${r.table}: PREPEND must be used before end-of-data`); return next(); }
      if (!isHeader(text)) { ctx.note(`access table ${r.table}: PREPEND requires header: text`); return next(); }
      hooks?.effect?.({ kind: 'prepend', header: text });
      return next();
  }
  if (/^\d*$/.test(value)) return accept(); // all digits (or empty): OK, as Postfix's alldig()
  if (/^[45]\d\d$/.test(cmd) && text !== '') {
    const d = dsnSplit(`${cmd[0]}.7.1`, text);
    return coded(Number(cmd), dsnFix(d.dsn, reply.class), prefix + (d.text || 'Access denied'));
  }
  if (cmd === 'OK' || cmd === 'RELAY') {
    if (r.routed) { ctx.note(`${cmd} ignored for a recipient with sender-specified routing: DUNNO`); return next(); }
    return accept();
  }
  if (!hooks) {
    ctx.note(`the result "${value}" is a restriction list, and there is no runner to evaluate it`);
    return defer(451, '4.3.5', 'Server configuration error');
  }
  return hooks.evaluate(value, reply);
}

/** Opens a table through the context, or explains why there is none. */
export function tableFor(ctx: PolicyContext, spec: string): Table | undefined {
  if (ctx.tables) return ctx.tables.open(spec);
  ctx.note(`no table support in this context: cannot open ${spec}`);
  return undefined;
}

const SERVER_ERROR = '451 4.3.5 Server configuration error';

/**
 * One access-table check: look the queries up in order, note what was tried and what answered,
 * and turn the answer into a verdict. `found` says whether any key was found (DUNNO included).
 */
export async function accessLookup(ctx: PolicyContext, spec: string, queries: readonly Query[], reply: ReplyAs, routed = false): Promise<{ verdict: Verdict; found: boolean }> {
  const table = tableFor(ctx, spec);
  const using = (value: string) => tableResult(ctx, { table: spec, value, reply, routed });
  if (!table) return { verdict: await using(SERVER_ERROR), found: true };
  if (!queries.length) return { verdict: next(), found: false };
  const r = await findAccess(table, queries);
  if ('error' in r.lookup) {
    ctx.note(`${spec}: lookup of ${r.key} failed: ${r.lookup.detail}`);
    return { verdict: await using(SERVER_ERROR), found: true };
  }
  if (!r.lookup.found) {
    ctx.note(`${spec}: not found (tried ${r.tried.join(', ')})`);
    return { verdict: next(), found: false };
  }
  const where = r.lookup.line === undefined ? '' : ` (line ${r.lookup.line})`;
  ctx.note(`${spec}: ${r.key} => ${r.lookup.value}${where}`);
  return { verdict: await using(r.lookup.value), found: true };
}
