// ARC (RFC 8617) chain validation with mailauth, answered as an ArcVerdict: every set's seal,
// message signature and authentication results, what the newest hop said, and whether we may
// add our own set. Never throws: a broken chain is `fail` with the reason.
import { arcVerify, type ArcChainLink, type ArcData, type MailauthResolver, type ParsedTagHeader } from './mailauth-lib';
import { fieldValue } from './dkim-tags';
import type { ArcSetInfo, ArcVerdict, DkimResult } from './types';

const str = (h: ParsedTagHeader | undefined, k: string): string => {
  const v = h?.parsed?.[k];
  return v && typeof v === 'object' && 'value' in v && v.value !== undefined ? String(v.value) : '';
};

function lineOf(h: ParsedTagHeader | undefined): string {
  const o = h?.original;
  return typeof o === 'string' ? o : o ? o.toString('latin1') : '';
}

function setInfo(link: ArcChainLink): ArcSetInfo {
  const as = link['arc-seal'];
  const ams = link['arc-message-signature'];
  const aar = link['arc-authentication-results'];
  const t = Number(str(as, 't'));
  const aarText = fieldValue(lineOf(aar)).replace(/\r?\n/g, '').replace(/\s+/g, ' ').trim();
  // "i=1; mx.example.net; spf=pass ..." → authserv-id is the second element
  const authservId = aarText.split(';')[1]?.trim().split(/\s+/)[0] ?? '';
  return {
    i: link.i,
    seal: { d: str(as, 'd'), s: str(as, 's'), a: str(as, 'a'), cv: str(as, 'cv').toLowerCase(), ...(Number.isFinite(t) && t > 0 ? { t } : {}) },
    messageSignature: { d: str(ams, 'd'), s: str(ams, 's'), a: str(ams, 'a'), h: str(ams, 'h').split(':').map((x) => x.trim().toLowerCase()).filter(Boolean) },
    authResults: { authservId, text: aarText },
  };
}

/** The resinfo of one method from an A-R/AAR text ("spf=pass smtp.mailfrom=..."), for display. */
function methodResults(text: string, method: string): string[] {
  return text.split(';').map((s) => s.trim()).filter((s) => s.toLowerCase().startsWith(`${method}=`));
}

function latestAuthResults(set: ArcSetInfo | undefined): ArcVerdict['latestAuthResults'] {
  if (!set) return undefined;
  const text = set.authResults.text;
  const spf = methodResults(text, 'spf')[0];
  const dmarc = methodResults(text, 'dmarc')[0];
  return { authservId: set.authResults.authservId, ...(spf ? { spf } : {}), dkim: methodResults(text, 'dkim'), ...(dmarc ? { dmarc } : {}) };
}

function amsResult(link: ArcChainLink | undefined): ArcVerdict['latestMessageSignature'] {
  const r = link?.messageSignature;
  if (!r) return undefined;
  const result = (['pass', 'fail', 'neutral', 'policy', 'temperror', 'permerror'].includes(r.status.result) ? r.status.result : 'neutral') as DkimResult;
  return { result, ...(r.status.comment ? { reason: r.status.comment } : {}) };
}

export async function verifyArc(data: ArcData, resolver: MailauthResolver, opts: { minBitLength?: number } = {}): Promise<ArcVerdict> {
  const sets = data.chain ? data.chain.map(setInfo) : [];
  const last = data.chain ? data.chain[data.chain.length - 1] : undefined;
  const latestAms = amsResult(last);
  const lastCv = sets[sets.length - 1]?.seal.cv;
  const base = {
    sets,
    ...(latestAms ? { latestMessageSignature: latestAms } : {}),
    ...(sets.length ? { latestAuthResults: latestAuthResults(sets[sets.length - 1]) } : {}),
  };
  if (data.error) {
    return { result: 'fail', reason: `ARC chain is malformed: ${data.error.message}`, ...base, sealable: false };
  }
  if (!data.chain || data.chain.length === 0) return { result: 'none', ...base, sealable: true };
  try {
    const r = await arcVerify(data, { resolver, minBitLength: opts.minBitLength ?? 1024 });
    const result = r.status.result === 'pass' ? 'pass' : r.status.result === 'none' ? 'none' : 'fail';
    const reason = result === 'fail' ? (r.status.comment || 'a seal or the newest message signature did not verify') : undefined;
    return { result, ...(reason ? { reason } : {}), ...base, sealable: sets.length < 50 && lastCv !== 'fail' };
  } catch (e) {
    // mailauth can throw on some key errors; a chain we cannot validate has failed (RFC 8617 §5.2).
    return { result: 'fail', reason: `ARC validation error: ${(e as Error)?.message ?? String(e)}`, ...base, sealable: sets.length < 50 && lastCv !== 'fail' };
  }
}
