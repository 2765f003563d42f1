// RFC 7208 §4.6.4 processing limits around the resolver mailauth's SPF evaluator calls:
//  - at most 10 terms that query DNS (include, a, mx, ptr, exists, redirect); the first query
//    (the checked domain's own TXT) is not a term and is not counted; the 11th is a permerror;
//  - at most 2 void lookups (NXDOMAIN or NODATA) from counted terms; the 3rd is a permerror;
//  - the address lookups of one mx (or ptr) term use a sub-limiter: more than 10 is a permerror
//    for mx; their void answers are not terms and are not counted.
// DNS failures become the RFC outcomes: NXDOMAIN/NODATA/bad name → an empty answer; anything
// else (timeout, SERVFAIL, refused, malformed answer) → temperror. Every failure thrown here
// carries `spfResult`, which mailauth's evaluator relies on to propagate it.
import type { MailauthResolver, SpfError, SpfResolver } from './mailauth-lib';
import { spfRecordProblem } from './spf-syntax';

export const SPF_MAX_LOOKUPS = 10;
export const SPF_MAX_VOID = 2;

export interface SpfLimitState {
  count: number;
  void: number;
  /** SPF records seen in TXT answers, in order. */
  records: { domain: string; record: string }[];
}

export function spfError(kind: 'permerror' | 'temperror' | 'none', text: string, code?: string): SpfError {
  const e = new Error(text) as SpfError;
  e.spfResult = { error: kind, text };
  if (code) e.code = code;
  return e;
}

function isSpfRecord(txt: string): boolean {
  return /^v=spf1( |$)/i.test(txt);
}

/** Keep the SPF records of a TXT answer; a lone record with a syntax error is a permerror (§4.6). */
function checkRecords(name: string, answer: string[][], state: SpfLimitState): void {
  const records = answer.map((rr) => rr.join('')).filter(isSpfRecord);
  const domain = name.toLowerCase().replace(/\.$/, '');
  for (const record of records) state.records.push({ domain, record });
  if (records.length !== 1) return; // none, or several: the evaluator answers none / permerror
  const problem = spfRecordProblem(records[0] as string);
  if (problem) throw spfError('permerror', `syntax error in the SPF record of ${domain}: ${problem}`);
}

interface LimiterOptions {
  maxLookups: number;
  maxVoid: number;
  /** The top limiter does not count its first query (the checked domain's TXT). */
  top: boolean;
  /** mx sub-limiter: exceeding the count is a permerror with this text; undefined = top-level text. */
  subLimitText?: string;
  state: SpfLimitState;
}

function makeLimiter(base: MailauthResolver, o: LimiterOptions): SpfResolver {
  let first = o.top;
  let local = 0;

  const fn = async (name: string, type: string): Promise<unknown> => {
    const counted = !first;
    first = false;
    if (counted) {
      local++;
      if (o.top) o.state.count = local;
      if (local > o.maxLookups) {
        throw spfError('permerror', o.subLimitText ?? `more than ${o.maxLookups} DNS-querying terms (RFC 7208 §4.6.4)`);
      }
    }
    let answer: unknown;
    try {
      answer = await base(name, type);
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'ESERVFAIL';
      // A name DNS cannot carry (EBADNAME: an empty or over-long label after macro expansion)
      // cannot exist, so it answers as NXDOMAIN would. Syntax is checked before expansion (§7.1).
      if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EBADNAME') {
        if (counted && o.top) {
          o.state.void++;
          if (o.state.void > o.maxVoid) throw spfError('permerror', `more than ${o.maxVoid} void DNS lookups (RFC 7208 §4.6.4)`, code);
        }
        return [];
      }
      throw spfError('temperror', `DNS ${code} for ${name} ${type}`, code);
    }
    if (type === 'TXT') checkRecords(name, answer as string[][], o.state);
    return answer;
  };
  return fn;
}

/** The top-level limiter and a factory of per-term sub-limiters, sharing one state. */
export function createSpfLimiter(base: MailauthResolver, limits: { maxLookups?: number; maxVoid?: number } = {}) {
  const state: SpfLimitState = { count: 0, void: 0, records: [] };
  const maxLookups = limits.maxLookups ?? SPF_MAX_LOOKUPS;
  const maxVoid = limits.maxVoid ?? SPF_MAX_VOID;
  const resolver = makeLimiter(base, { maxLookups, maxVoid, top: true, state });
  const createSubResolver = () => makeLimiter(base, {
    maxLookups: SPF_MAX_LOOKUPS, maxVoid, top: false, state,
    subLimitText: `more than ${SPF_MAX_LOOKUPS} address lookups for one mx or ptr term (RFC 7208 §4.6.4)`,
  });
  return { resolver, createSubResolver, state, maxLookups, maxVoid };
}
