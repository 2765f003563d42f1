// The restriction-list runner (Postfix smtpd_check.c generic_checks and smtpd_check_*):
// validates the policy config once, then evaluates the lists due at each SMTP event, left to
// right, first decisive verdict wins, and records one trace step per check. A check that throws
// or hangs is a server fault (451 4.3.5), never a crash.
import { splitOutsideBraces } from '../tables/backends/inline';
import type { PolicyConfig } from '../config/schema';
import { checks as builtin } from './checks';
import { accept, defer, next, reject } from './types';
import type { Check, CheckResult, Decisive, DeferredVerdict, ListName, PolicyContext, PolicyEffect, PolicyHooks, ReplyAs, Stage, StageOutcome, Verdict } from './types';

// ---------------------------------------------------------------- reply assembly (§1.4)

const MAX_REPLY = 510; // bytes of "code status text", before CRLF (RFC 5321 §4.5.3.1.5)
const GENERIC = { code: 450, status: '4.7.1', text: 'Service unavailable' };

/** Reply assembly: valid 4xx/5xx code and DSN, DSN class = code class, printable, ≤ 510 bytes. */
export function formatReply(v: Decisive): { code: number; status: string; text: string } {
  const codeOk = Number.isInteger(v.code) && v.code >= 400 && v.code <= 599;
  const statusOk = /^[245]\.\d{1,3}\.\d{1,3}$/.test(v.status);
  const { code, status, text } = codeOk && statusOk ? v : GENERIC;
  const fixed = `${String(code)[0]}${status.slice(1)}`;
  const budget = MAX_REPLY - `${code} ${fixed} `.length;
  return { code, status: fixed, text: truncateUtf8(printable(text), budget) };
}

/** smtpd_helo_required: the reply to MAIL before HELO/EHLO. */
export function heloRequiredReply(): Decisive {
  return reject(503, '5.5.1', 'Error: send HELO/EHLO first');
}

function printable(s: string): string {
  // Controls (C0, DEL, C1) and lone surrogates become spaces; other Unicode stays (SMTPUTF8).
  return s.replace(/[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, ' ');
}

function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/** A decisive verdict as it will be sent: assembled, and its kind following its code. */
function assembled(v: Decisive): Decisive {
  const r = formatReply(v);
  const out: Decisive = { kind: r.code >= 500 ? 'reject' : 'defer', ...r };
  if (v.disconnect) out.disconnect = true;
  return out;
}

const line = (v: Decisive): string => `${v.code} ${v.status} ${v.text}`;
const serverError = (): Decisive => defer(451, '4.3.5', 'Server configuration error');

// ---------------------------------------------------------------- configuration

export class PolicyConfigError extends Error {
  readonly code = 'POLICY.BAD_CONFIG';
  constructor(
    /** "client" … "end_of_data", or "restriction_classes.<name>". */
    readonly list: string,
    readonly index: number | undefined,
    readonly entry: string | undefined,
    readonly reason: string,
  ) {
    super(`policy.${list}${index === undefined ? '' : `[${index}]`}${entry === undefined ? '' : ` "${entry}"`}: ${reason}`);
    this.name = 'PolicyConfigError';
  }
}

export interface PolicyOptions {
  /** How long one check may take before it counts as a server fault (ms). Default 30 s. */
  checkTimeout?: number;
  /** The check registry (default: checks/index.ts). Tests and plugins may pass their own. */
  checks?: ReadonlyMap<string, Check>;
  /**
   * Engine-wide context every evaluation gets unless its PolicyContext sets the field itself:
   * the table cache, recipient_delimiter, myorigin, rbl_reply_maps.
   */
  context?: Partial<Pick<PolicyContext, 'tables' | 'recipientDelimiter' | 'myorigin' | 'rblReplyMaps' | 'greylist'>>;
}

export interface Policy {
  /** Run the lists due at this SMTP event; never throws for anything a check does. */
  evaluate(event: Stage, ctx: PolicyContext): Promise<StageOutcome>;
  /** The lists evaluated at an event, in order (delay_reject decides). */
  listsAt(event: Stage): readonly ListName[];
  /** smtpd_helo_required: the SMTP layer answers MAIL without HELO with heloRequiredReply(). */
  readonly heloRequired: boolean;
  /** Every table spec named by a table check in the lists and classes (to open them at start). */
  tableSpecs(): readonly string[];
}

interface Entry {
  /** As configured, whitespace normalised: the trace's check name. */
  label: string;
  check?: Check;
  className?: string;
  args: string[];
}

const LISTS: readonly ListName[] = ['client', 'helo', 'sender', 'relay', 'recipient', 'data', 'end_of_data'];
const STAGES: readonly Stage[] = ['connect', 'helo', 'mail', 'rcpt', 'data', 'end_of_data'];
const OWN_STAGE: Record<ListName, Stage> = {
  client: 'connect', helo: 'helo', sender: 'mail', relay: 'rcpt', recipient: 'rcpt', data: 'data', end_of_data: 'end_of_data',
};
const MAX_DEPTH = 100;
/** Any of these in the relay or recipient list keeps the server from being an open relay. */
const RELAY_GUARD = ['reject', 'reject_unauth_destination', 'defer', 'defer_if_permit', 'defer_unauth_destination'];
const WARN_IF_REJECT = 'warn_if_reject';

function listsAt(event: Stage, delayReject: boolean): readonly ListName[] {
  switch (event) {
    case 'connect': return delayReject ? [] : ['client'];
    case 'helo': return delayReject ? [] : ['helo'];
    case 'mail': return delayReject ? [] : ['sender'];
    case 'rcpt': return delayReject ? ['client', 'helo', 'sender', 'relay', 'recipient'] : ['relay', 'recipient'];
    case 'data': return ['data'];
    case 'end_of_data': return ['end_of_data'];
  }
}

/** The event at which a list is evaluated. */
function runsAt(list: ListName, delayReject: boolean): Stage {
  return delayReject && (list === 'client' || list === 'helo' || list === 'sender') ? 'rcpt' : OWN_STAGE[list];
}

type Resolve = (name: string) => { check?: Check; className?: string };

/**
 * Words separated by white space (and commas, if given) outside braces, so a table spec such as
 * "inline:{ a=OK, b=REJECT }" stays one word (Postfix mystrtokq with CHARS_BRACE).
 */
export function splitWords(text: string, commas = false): string[] {
  return splitOutsideBraces(text, commas ? ', \t\n\r\f\v' : ' \t\n\r\f\v');
}

/** Split one configured entry into name and arguments; throws a message (no location). */
function parseEntry(raw: string, resolve: Resolve): Entry {
  const words = splitWords(raw);
  const [name, ...args] = words;
  if (name === undefined) throw new Error('empty restriction');
  const { check, className } = resolve(name);
  if (!check && className === undefined) {
    const hint = name.includes(',') ? ' (one restriction per list entry; no commas)'
      : name.includes(':') ? ' (a table needs its check_*_access restriction in front)'
      : ' (not a known check and not in restriction_classes)';
    throw new Error(`unknown restriction "${name}"${hint}`);
  }
  const want = check?.args ?? 0;
  if (args.length !== want) {
    throw new Error(`${check?.name ?? name} takes ${want} argument${want === 1 ? '' : 's'}, got ${args.length}`);
  }
  const bad = check?.validateArgs?.(args);
  if (bad !== undefined) throw new Error(bad);
  const base = check?.name ?? name;
  return { label: [base, ...args].join(' '), check, className, args };
}

interface Compiled {
  lists: Record<ListName, readonly Entry[]>;
  classes: ReadonlyMap<string, readonly Entry[]>;
  resolve: Resolve;
}

function compile(cfg: PolicyConfig, registry: ReadonlyMap<string, Check>): Compiled {
  const classNames = Object.keys(cfg.restriction_classes);
  const resolve: Resolve = (name) => {
    const check = registry.get(name.toLowerCase());
    if (check) return { check };
    return Object.hasOwn(cfg.restriction_classes, name) ? { className: name } : {};
  };
  for (const name of classNames) {
    if (registry.has(name.toLowerCase())) throw new PolicyConfigError(`restriction_classes.${name}`, undefined, undefined, `a restriction class may not be named like the check ${name.toLowerCase()}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new PolicyConfigError(`restriction_classes.${name}`, undefined, undefined, 'a class name is letters, digits, ".", "-" and "_"');
  }
  const parseAll = (where: string, raw: readonly string[]): Entry[] =>
    raw.map((r, i) => {
      try { return parseEntry(r, resolve); } catch (e) { throw new PolicyConfigError(where, i, r, (e as Error).message); }
    });
  const classes = new Map<string, Entry[]>();
  for (const name of classNames) classes.set(name, parseAll(`restriction_classes.${name}`, cfg.restriction_classes[name] ?? []));
  const lists = Object.fromEntries(LISTS.map((l) => [l, parseAll(l, cfg[l])])) as Record<ListName, Entry[]>;

  for (const name of classNames) checkNesting(name, classes, [name]);
  for (const list of LISTS) checkStages(list, lists[list], classes, cfg.delay_reject);
  if (!hasGuard(lists.relay, classes) && !hasGuard(lists.recipient, classes)) {
    throw new PolicyConfigError('relay', undefined, undefined,
      `policy.relay or policy.recipient must contain one of ${RELAY_GUARD.join(', ')} (as Postfix requires); without one this server would be an open relay`);
  }
  return { lists, classes, resolve };
}

/** Restriction classes may nest up to MAX_DEPTH and never refer back to themselves. */
function checkNesting(name: string, classes: ReadonlyMap<string, readonly Entry[]>, path: string[]): void {
  if (path.length > MAX_DEPTH) throw new PolicyConfigError(`restriction_classes.${path[0]}`, undefined, undefined, `restriction classes nest deeper than ${MAX_DEPTH}`);
  (classes.get(name) ?? []).forEach((e, i) => {
    if (e.className === undefined) return;
    if (path.includes(e.className)) {
      throw new PolicyConfigError(`restriction_classes.${name}`, i, e.label, `restriction class is recursive: ${[...path, e.className].join(' → ')}`);
    }
    checkNesting(e.className, classes, [...path, e.className]);
  });
}

/** Every check in a list (classes expanded) must have its data by the event the list runs at. */
function checkStages(list: ListName, entries: readonly Entry[], classes: ReadonlyMap<string, readonly Entry[]>, delayReject: boolean): void {
  const at = runsAt(list, delayReject);
  const walk = (es: readonly Entry[], top: { index: number; entry: string } | undefined, path: string[]): void => {
    es.forEach((e, i) => {
      const loc = top ?? { index: i, entry: e.label };
      if (e.className !== undefined) return walk(classes.get(e.className) ?? [], loc, [...path, e.className]);
      const c = e.check;
      if (!c || STAGES.indexOf(c.stage) <= STAGES.indexOf(at)) return;
      const inside = path.length ? ` (inside restriction class ${path.join(' → ')})` : '';
      const why = delayReject ? '' : ' with delay_reject: false; with delay_reject: true the client, helo and sender lists run at RCPT';
      throw new PolicyConfigError(list, loc.index, loc.entry,
        `${c.name}${inside} needs data from the ${c.stage} stage, but policy.${list} runs at ${at}${why}`);
    });
  };
  walk(entries, undefined, []);
}

/** Postfix has_required(): a guard before any "permit"; "warn_if_reject X" does not count. */
function hasGuard(entries: readonly Entry[], classes: ReadonlyMap<string, readonly Entry[]>): boolean {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.check?.name === WARN_IF_REJECT) { i++; continue; }
    if (e.check?.name === 'permit') return false;
    if (e.check && RELAY_GUARD.includes(e.check.name)) return true;
    if (e.className !== undefined && hasGuard(classes.get(e.className) ?? [], classes)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- evaluation

/** Per-command state (Postfix SMTPD_STATE fields the restriction algebra uses). */
interface Run {
  ctx: PolicyContext;
  event: Stage;
  steps: CheckResult[];
  notes: string[];
  depth: number;
  /** warn_if_reject: 0 = off, else the depth at which it was armed. */
  warnAt: number;
  deferIfPermit?: DeferredVerdict;
  deferIfReject?: DeferredVerdict;
  /** Verdicts already through reply assembly (they come back out of nested evaluate()). */
  done: WeakSet<object>;
  /** Server faults: never softened by warn_if_reject. */
  faults: WeakSet<object>;
  /** The first server fault: it ends the evaluation whatever the checks around it say (longjmp). */
  fault?: Decisive;
  /** Whole-message actions recorded so far. */
  effects: PolicyEffect[];
  /** A DISCARD was recorded (now or earlier in the transaction): skip every further restriction. */
  discard: boolean;
}

interface Outcome {
  verdict: Verdict;
  by?: string;
}

function isVerdict(v: unknown): v is Verdict {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (o.kind === 'next' || o.kind === 'accept') return true;
  return (o.kind === 'reject' || o.kind === 'defer') && typeof o.code === 'number' && typeof o.status === 'string' && typeof o.text === 'string';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms`)), ms);
  });
  p.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

function isPostmaster(rcpt: string | undefined): boolean {
  return rcpt !== undefined && rcpt.toLowerCase() === 'postmaster';
}

export function createPolicy(cfg: PolicyConfig, options: PolicyOptions = {}): Policy {
  const compiled = compile(cfg, options.checks ?? builtin);
  const timeout = options.checkTimeout ?? 30_000;
  if (!(timeout > 0 && Number.isFinite(timeout))) throw new RangeError(`createPolicy: checkTimeout must be a positive number of ms, got ${timeout}`);
  const delayReject = cfg.delay_reject;

  /** smtpd_check_reject(): warn_if_reject, defer_if_reject, reply assembly. */
  function enforce(run: Run, v: Decisive, notes: string[]): Verdict {
    if (run.done.has(v)) return v;
    const f = assembled(v);
    if (run.faults.has(v)) run.faults.add(f);
    else if (run.warnAt !== 0) {
      notes.push(`reject_warning: ${line(f)}`);
      return next();
    }
    if (run.faults.has(f)) run.fault ??= f;
    let out = f;
    if (run.deferIfReject && f.code >= 500) {
      const d = run.deferIfReject;
      out = assembled(d.verdict);
      notes.push(`defer_if_reject (${d.by}): ${line(f)} becomes ${line(out)}`);
      run.deferIfReject = undefined;
      run.warnAt = 0;
    }
    run.done.add(out);
    return out;
  }

  function hooksFor(run: Run, list: ListName, via: string[], by: string, notes: string[], reply: ReplyAs | undefined): PolicyHooks {
    return {
      deferIfPermit(v) {
        if (run.warnAt !== 0) { notes.push(`reject_warning: ${line(assembled(v))}`); return; }
        if (run.deferIfPermit) return;
        run.deferIfPermit = { verdict: v, by };
        notes.push(`defer_if_permit: ${line(assembled(v))}`);
      },
      deferIfReject(v) {
        if (run.deferIfReject) return;
        run.deferIfReject = { verdict: v, by };
        notes.push(`defer_if_reject: ${line(assembled(v))}`);
      },
      warnIfReject() {
        if (run.warnAt === 0) run.warnAt = run.depth;
      },
      effect(e) {
        run.effects.push({ ...e, by });
        if (e.kind === 'discard') run.discard = true;
      },
      async evaluate(restrictions, as) {
        const tooDeep = run.depth > MAX_DEPTH;
        if (tooDeep) notes.push(`table results nest deeper than ${MAX_DEPTH} (${[...via, by].join(' → ')})`);
        const entries = tooDeep ? undefined : parseResult(restrictions, notes);
        if (!entries) {
          const f = serverError();
          run.faults.add(f);
          return enforce(run, f, notes);
        }
        if (entries.length === 0) { notes.push('empty table result: PERMIT'); return accept(); }
        return (await runList(run, list, entries, [...via, by], as ?? reply)).verdict;
      },
    };
  }

  /** A table result ("permit_mynetworks, reject_rbl_client x") as entries, or undefined if unusable. */
  function parseResult(text: string, notes: string[]): Entry[] | undefined {
    const words = splitWords(text, true);
    const table = words.find((w) => w.includes(':'));
    if (table !== undefined) { notes.push(`table result names a table (${table}); use a restriction class`); return undefined; }
    const out: Entry[] = [];
    for (let i = 0; i < words.length;) {
      const name = words[i]!;
      if (name.includes(':')) { notes.push(`table result names a table (${name}); use a restriction class`); return undefined; }
      const { check, className } = compiled.resolve(name);
      if (!check && className === undefined) { notes.push(`unknown restriction "${name}" in a table result`); return undefined; }
      const n = check?.args ?? 0;
      const args = words.slice(i + 1, i + 1 + n);
      if (args.length < n) { notes.push(`${name} needs ${n} argument(s) in a table result`); return undefined; }
      out.push({ label: [check?.name ?? name, ...args].join(' '), check, className, args });
      i += 1 + n;
    }
    return out;
  }

  async function runCheck(run: Run, list: ListName, e: Entry, check: Check, via: string[], reply: ReplyAs | undefined): Promise<Outcome> {
    const notes: string[] = [];
    const ctx: PolicyContext = Object.create(run.ctx, {
      stage: { value: run.event, enumerable: true },
      list: { value: list, enumerable: true },
      note: { value: (d: string) => { notes.push(String(d)); }, enumerable: true },
      hooks: { value: hooksFor(run, list, via, e.label, notes, reply), enumerable: true },
      reply: { value: reply, enumerable: true },
    });
    const t0 = performance.now();
    let verdict: Verdict;
    let error: string | undefined;
    try {
      const got: unknown = await withTimeout(Promise.resolve().then(() => check.run(ctx, e.args)), timeout);
      if (!isVerdict(got)) throw new Error(`returned ${JSON.stringify(got) ?? String(got)}, not a verdict`);
      verdict = got;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      verdict = serverError();
      run.faults.add(verdict);
    }
    const ms = Math.round((performance.now() - t0) * 1000) / 1000;
    let effective = verdict.kind === 'reject' || verdict.kind === 'defer' ? enforce(run, verdict, notes) : verdict;
    if (run.fault && effective !== run.fault) {
      notes.push('a nested restriction failed: server configuration error');
      effective = run.fault;
    }
    const step: CheckResult = { list, check: e.label, verdict: effective, ms };
    if (notes.length) step.detail = notes.join('; ');
    if (via.length) step.via = via;
    if (error !== undefined) step.error = error;
    run.steps.push(step);
    return { verdict: effective, by: e.label };
  }

  /** generic_checks(): left to right; the first non-DUNNO ends the list. End of list = DUNNO here. */
  async function runList(run: Run, list: ListName, entries: readonly Entry[], via: string[], reply?: ReplyAs): Promise<Outcome> {
    const saved = run.depth;
    run.depth = saved + 1;
    try {
      for (const e of entries) {
        if (run.discard) break; // Postfix: after DISCARD no further restriction is evaluated
        const r = e.check
          ? await runCheck(run, list, e, e.check, via, reply)
          : await runList(run, list, compiled.classes.get(e.className ?? '') ?? [], [...via, e.label], reply);
        if (e.check?.name !== WARN_IF_REJECT && run.warnAt !== 0 && run.warnAt >= run.depth) run.warnAt = 0;
        if (r.verdict.kind !== 'next' || run.fault) return r;
        if (run.deferIfPermit && run.deferIfReject) {
          run.notes.push(`${list}: defer_if_permit and defer_if_reject both raised; rest of the list skipped`);
          break;
        }
      }
      return { verdict: next() };
    } finally {
      run.depth = saved;
      if (run.warnAt !== 0 && run.warnAt >= run.depth) run.warnAt = 0;
    }
  }

  /** defer_if_permit raised at earlier events, when each list runs at its own event. */
  function carriedIn(event: Stage, ctx: PolicyContext): DeferredVerdict | undefined {
    if (delayReject || !ctx.carry) return undefined;
    switch (event) {
      case 'helo': return ctx.carry.client;
      case 'mail': return ctx.carry.helo ?? ctx.carry.client;
      case 'rcpt': return ctx.carry.sender;
      default: return undefined;
    }
  }

  /** The engine-wide defaults (options.context) under the caller's own fields. */
  function withDefaults(ctx: PolicyContext): PolicyContext {
    const d = options.context as Record<string, unknown> | undefined;
    if (!d) return ctx;
    let out: Record<string, unknown> | undefined; // a copy only when a default is missing (runs per command)
    for (const k in d) {
      if (d[k] !== undefined && (ctx as unknown as Record<string, unknown>)[k] === undefined) {
        out ??= { ...ctx };
        out[k] = d[k];
      }
    }
    return (out as PolicyContext | undefined) ?? ctx;
  }

  async function evaluate(event: Stage, given: PolicyContext): Promise<StageOutcome> {
    if (event === 'rcpt' && isPostmaster(given.recipient)) {
      return { verdict: accept(), steps: [], notes: ['RCPT TO:<postmaster> is accepted without any check (RFC 5321 §4.5.1)'] };
    }
    const ctx = withDefaults(given);
    const run: Run = { ctx, event, steps: [], notes: [], depth: 0, warnAt: 0, done: new WeakSet(), faults: new WeakSet(), effects: [], discard: !!ctx.discard };
    if (run.discard) run.notes.push('a DISCARD earlier in this transaction: no restriction is evaluated');
    run.deferIfPermit = carriedIn(event, ctx);
    const outcome = (verdict: Verdict, decidedBy?: string): StageOutcome => {
      const o: StageOutcome = { verdict, steps: run.steps };
      if (decidedBy !== undefined) o.decidedBy = decidedBy;
      if (run.notes.length) o.notes = run.notes;
      if (run.effects.length) o.effects = run.effects;
      return o;
    };
    for (const list of listsAt(event, delayReject)) {
      if (list === 'helo' && ctx.helo === undefined) { run.notes.push('helo list skipped: no HELO/EHLO was given'); continue; }
      if (list === 'sender' && ctx.sender === undefined) { run.notes.push('sender list skipped: no MAIL FROM yet'); continue; }
      if (list !== 'recipient') { run.warnAt = 0; run.deferIfReject = undefined; } // SMTPD_CHECK_RESET per smtpd_check_*
      const r = await runList(run, list, compiled.lists[list], []);
      if (!delayReject && ctx.carry && (list === 'client' || list === 'helo' || list === 'sender')) ctx.carry[list] = run.deferIfPermit;
      if (r.verdict.kind === 'reject' || r.verdict.kind === 'defer') return outcome(r.verdict, r.by);
    }
    const pending = run.deferIfPermit;
    if (pending && (event === 'rcpt' || event === 'data' || event === 'end_of_data')) {
      const v = enforce(run, pending.verdict, run.notes);
      run.notes.push(`defer_if_permit raised by ${pending.by} turns the PERMIT into ${v.kind === 'next' ? 'a warning' : line(v as Decisive)}`);
      return v.kind === 'next' ? outcome(accept()) : outcome(v, pending.by);
    }
    return outcome(accept());
  }

  const specs = [...new Set([...Object.values(compiled.lists), ...compiled.classes.values()]
    .flatMap((entries) => entries.filter((e) => e.check?.tableArgs).flatMap((e) => e.args)))];

  return {
    evaluate,
    listsAt: (event) => listsAt(event, delayReject),
    heloRequired: cfg.helo_required,
    tableSpecs: () => specs,
  };
}
