// DMARC (RFC 7489): policy discovery by mailauth (_dmarc.<From domain>, then the organizational
// domain), everything else here: record tags with defaults, strict/relaxed alignment of the SPF
// and each DKIM identifier, pct sampling (mailauth does not apply pct) and the disposition.
// Never throws: DNS trouble is temperror, a missing or unusable record is none.
import { getDmarcRecord, type MailauthResolver } from './mailauth-lib';
import { parseTagList } from './dkim-tags';
import { aligned, normalizeDomain, orgDomain } from './org-domain';
import type { AlignmentMode, DkimSignatureVerdict, DmarcPolicy, DmarcVerdict, SpfVerdict } from './types';

export interface DmarcInput {
  from: { fields: number; addresses: string[] };
  spf: SpfVerdict;
  dkim: DkimSignatureVerdict[];
  /** [0,1) source for pct sampling (default Math.random). */
  random?: () => number;
}

const POLICIES: readonly DmarcPolicy[] = ['none', 'quarantine', 'reject'];
const isPolicy = (v: string | undefined): v is DmarcPolicy => !!v && (POLICIES as readonly string[]).includes(v.toLowerCase());
const NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)+$/i;

/** RFC 7489 §6.6.4: outside the pct sample the next weaker policy applies. */
export function weaker(p: DmarcPolicy): DmarcPolicy {
  return p === 'reject' ? 'quarantine' : 'none';
}

type RecordTags = NonNullable<DmarcVerdict['tags']>;

/** Tags of a DMARC record, or why it gives no policy (RFC 7489 §6.3, §6.6.3 step 6). */
export function parseDmarcRecord(rr: string): { tags: RecordTags; notes: string[] } | { error: string } {
  const parsed = parseTagList(rr);
  if ('error' in parsed) return { error: `DMARC record syntax error: ${parsed.error}` };
  const t = new Map([...parsed.tags].map(([k, v]) => [k.toLowerCase(), v]));
  const notes: string[] = [];
  const validRua = (t.get('rua') ?? '').split(',').some((u) => /^\s*(mailto:[^@\s]+@[^\s!]+|https?:\/\/\S+)/i.test(u));
  const p = t.get('p')?.toLowerCase();
  const sp = t.get('sp')?.toLowerCase();
  let policy: DmarcPolicy;
  if (isPolicy(p) && (sp === undefined || isPolicy(sp))) policy = p;
  else if (validRua) { policy = 'none'; notes.push('p=/sp= missing or invalid; a valid rua= makes it p=none (RFC 7489 §6.6.3)'); }
  else return { error: `record has no valid p= tag${sp !== undefined && !isPolicy(sp) ? ' (or an invalid sp=)' : ''} and no valid rua=` };
  const mode = (k: 'adkim' | 'aspf'): AlignmentMode => {
    const v = t.get(k)?.toLowerCase();
    if (v === undefined || v === 'r') return 'r';
    if (v === 's') return 's';
    notes.push(`${k}=${v} is invalid; relaxed used`);
    return 'r';
  };
  let pct = 100;
  const rawPct = t.get('pct');
  if (rawPct !== undefined) {
    if (/^\d{1,3}$/.test(rawPct.trim()) && Number(rawPct) <= 100) pct = Number(rawPct);
    else notes.push(`pct=${rawPct} is invalid; 100 used`);
  }
  return {
    tags: { p: policy, ...(isPolicy(sp) && isPolicy(p) ? { sp } : {}), pct, adkim: mode('adkim'), aspf: mode('aspf') },
    notes,
  };
}

export async function evaluateDmarc(input: DmarcInput, resolver: MailauthResolver): Promise<DmarcVerdict> {
  const spfBase = { domain: input.spf.domain, result: input.spf.result, aligned: false, mode: 'r' as AlignmentMode, counts: false };
  const dkimBase = input.dkim.map((s) => ({ d: s.d, result: s.result, aligned: false, counts: false }));
  const out = (v: Partial<DmarcVerdict> & Pick<DmarcVerdict, 'result'>): DmarcVerdict =>
    ({ disposition: 'none', spf: spfBase, dkim: dkimBase, dkimMode: 'r', ...v });

  const { fields, addresses } = input.from;
  if (fields > 1) return out({ result: 'permerror', reason: `message has ${fields} From: header fields (RFC 5322 allows one; RFC 7489 §6.6.1)` });
  const domains = [...new Set(addresses.map((a) => normalizeDomain(a.slice(a.lastIndexOf('@') + 1))))];
  if (fields === 0 || domains.length === 0) return out({ result: 'none', reason: 'no RFC5322.From address to evaluate' });
  if (domains.length > 1) return out({ result: 'permerror', reason: `From: names several domains (${domains.join(', ')})` });
  const fromDomain = domains[0] as string;
  if (!NAME.test(fromDomain)) return out({ result: 'none', reason: `From domain ${JSON.stringify(fromDomain)} is not a domain name` });
  const org = orgDomain(fromDomain);
  const at = { fromDomain, orgDomain: org };

  // Watch the answers, to see several records at one name (mailauth would then go on to the org domain).
  const answers = new Map<string, string[]>();
  const watching: MailauthResolver = async (name, type) => {
    const a = await resolver(name, type);
    if (type === 'TXT') answers.set(name.toLowerCase(), (a as string[][]).map((r) => r.join('').trim()).filter((r) => /^v=DMARC1\b/i.test(r)));
    return a;
  };
  let found;
  try {
    found = await getDmarcRecord(fromDomain, watching);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'ESERVFAIL';
    if (code === 'EBADNAME' || code === 'EFORMERR') return out({ result: 'none', ...at, reason: `_dmarc.${fromDomain} cannot be looked up (${code})` });
    return out({ result: 'temperror', ...at, reason: `DNS ${code} looking up the DMARC record` });
  }
  for (const name of [`_dmarc.${fromDomain}`, `_dmarc.${org}`]) {
    const n = answers.get(name)?.length ?? 0;
    if (n > 1) return out({ result: 'none', ...at, reason: `${n} DMARC records at ${name}: no policy (RFC 7489 §6.6.3)` });
    if (n === 1) break;
  }
  if (!found) return out({ result: 'none', ...at, reason: `no DMARC record at _dmarc.${fromDomain}${org !== fromDomain ? ` or _dmarc.${org}` : ''}` });

  const recordDomain = found.isOrgRecord ? `_dmarc.${org}` : `_dmarc.${fromDomain}`;
  const parsed = parseDmarcRecord(found.rr);
  if ('error' in parsed) return out({ result: 'none', ...at, record: found.rr, recordDomain, reason: parsed.error });
  const { tags, notes } = parsed;
  const policyFound = found.isOrgRecord && tags.sp ? tags.sp : tags.p;

  const spfAligned = aligned(input.spf.domain, fromDomain, tags.aspf);
  const spf = { ...spfBase, aligned: spfAligned, mode: tags.aspf, counts: spfAligned && input.spf.result === 'pass' };
  const dkim = input.dkim.map((s) => {
    const al = aligned(s.d, fromDomain, tags.adkim);
    return { d: s.d, result: s.result, aligned: al, counts: al && s.result === 'pass' };
  });
  const common = { ...at, record: found.rr, recordDomain, tags, policyFound, spf, dkim, dkimMode: tags.adkim };
  const why = notes.length ? { reason: notes.join('; ') } : {};
  if (spf.counts || dkim.some((d) => d.counts)) return out({ result: 'pass', ...common, ...why });
  const tempAligned = (spf.aligned && spf.result === 'temperror') || dkim.some((d) => d.aligned && d.result === 'temperror');
  if (tempAligned) return out({ result: 'temperror', ...common, reason: 'an aligned SPF or DKIM check had a temporary DNS error; DMARC cannot be decided' });
  const sampled = Math.floor((input.random ?? Math.random)() * 100) < tags.pct;
  const policyApplied = sampled ? policyFound : weaker(policyFound);
  return out({ result: 'fail', ...common, sampled, policyApplied, disposition: policyApplied, ...why });
}
