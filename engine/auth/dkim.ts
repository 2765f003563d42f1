// DKIM verification (RFC 6376) of every signature, by mailauth's verifier fed through
// message-feed.ts, answered as DkimSignatureVerdicts in header order. The same pass yields what
// DMARC and ARC need next: the From addresses and the ARC chain (with its newest AMS checked).
// Never throws: an unreadable message gives `skipped` and no signatures.
import type { Readable } from 'node:stream';
import { DkimVerifier, type ArcData, type DkimVerifyResult, type MailauthHeaderRow, type MailauthResolver } from './mailauth-lib';
import { checkSignatureTags, fieldValue, parseTagList, type DkimSignatureTags } from './dkim-tags';
import { DEFAULT_MAX_HEADER_BYTES, feedMessage, HeaderBlockTooLarge } from './message-feed';
import type { DkimResult, DkimSignatureVerdict } from './types';

export interface DkimOptions {
  maxHeaderBytes?: number;
  /** Verify at most this many signatures (RFC 6376 §6.1 allows a limit; default 10). */
  maxSignatures?: number;
  /** Shorter RSA keys give `policy` (RFC 8301; default 1024). */
  minBitLength?: number;
  /** Clock for t=/x= checks (tests). */
  now?: Date;
}

export interface DkimStep {
  signatures: DkimSignatureVerdict[];
  /** From: header fields found and the addresses in them (for DMARC). */
  from: { fields: number; addresses: string[] };
  arc: ArcData;
  skipped?: string;
}

type Mapped = { result: DkimResult; reason?: string };

/** mailauth's status for a well-formed signature → the RFC 8601 result we report. */
function mapStatus(r: DkimVerifyResult, sig: DkimSignatureTags): Mapped {
  const comment = r.status.comment ?? '';
  const keyName = `${sig.s}._domainkey.${sig.d}`;
  switch (r.status.result) {
    case 'pass':
      return sig.a === 'rsa-sha1' ? { result: 'policy', reason: 'rsa-sha1 signatures are not accepted (RFC 8301)' } : { result: 'pass' };
    case 'fail':
      return { result: 'fail', reason: 'signature did not verify' };
    case 'policy':
      return { result: 'policy', reason: `key too short (${r.modulusLength ?? '?'} bits; RFC 8301 needs 1024)` };
    case 'temperror': {
      const code = /DNS failure: (\w+)/.exec(comment)?.[1] ?? 'ESERVFAIL';
      if (code === 'EBADNAME' || code === 'EFORMERR') return { result: 'permerror', reason: `key name ${keyName} cannot be looked up (${code})` };
      return { result: 'temperror', reason: `key lookup ${keyName} failed (${code})` };
    }
    default: break;
  }
  if (comment === 'body hash did not verify') return { result: 'fail', reason: 'body hash did not verify' };
  if (comment === 'no key') return { result: 'permerror', reason: `no key for signature (${keyName} has no TXT record)` };
  if (comment === 'unknown key version' || comment === 'unknown key type' || comment === 'invalid public key') {
    return { result: 'permerror', reason: `${comment} in ${keyName}` };
  }
  if (comment === 'expired') return { result: 'fail', reason: 'signature expired (x= is in the past)' };
  return { result: 'neutral', reason: `signature could not be processed${comment ? `: ${comment}` : ''}` };
}

function keyFacts(r: DkimVerifyResult | undefined, sig: Partial<DkimSignatureTags>): Pick<DkimSignatureVerdict, 'keyType' | 'keyBits' | 'keyRecord'> {
  if (!r?.rr) return {};
  const k = /(?:^|;)\s*k=([a-z0-9]+)/i.exec(r.rr)?.[1]?.toLowerCase() ?? (sig.a?.startsWith('ed25519') ? 'ed25519' : 'rsa');
  const keyType = k === 'ed25519' ? 'ed25519' : 'rsa';
  const keyBits = keyType === 'ed25519' ? 256 : r.modulusLength;
  return { keyType, ...(keyBits ? { keyBits } : {}), keyRecord: r.rr };
}

function verdictFor(line: string, result: DkimVerifyResult | undefined, index: number, max: number): DkimSignatureVerdict {
  const parsed = parseTagList(fieldValue(line));
  const checked = 'tags' in parsed ? checkSignatureTags(parsed.tags) : { error: `signature syntax error: ${parsed.error}`, partial: {} };
  const base = (s: Partial<DkimSignatureTags>): DkimSignatureVerdict => ({
    result: 'permerror', d: s.d ?? '', s: s.s ?? '', a: s.a ?? '', c: s.c ?? '', ...(s.i !== undefined ? { i: s.i } : {}),
    signedHeaders: s.h ?? [], bodyHash: 'not-checked',
    ...(s.l !== undefined ? { bodyLengthLimit: s.l } : {}),
    ...(s.b ? { b8: s.b.slice(0, 8) } : {}),
    ...(s.t !== undefined ? { signedAt: s.t * 1000 } : {}),
    ...(s.x !== undefined ? { expiresAt: s.x * 1000 } : {}),
  });
  if ('error' in checked) return { ...base(checked.partial), reason: checked.error };
  const sig = checked.sig;
  const v = base(sig);
  if (index >= max) return { ...v, result: 'neutral', reason: `not verified: only the first ${max} signatures are checked` };
  if (!result) return { ...v, result: 'neutral', reason: 'signature was not processed' };
  const mapped = mapStatus(result, sig);
  const bodyHash = result.bodyHash === undefined ? 'not-checked' : result.bodyHash === result.bodyHashExpecting ? 'pass' : 'fail';
  return { ...v, ...mapped, bodyHash, ...keyFacts(result, sig) };
}

/** Pair each DKIM-Signature line with mailauth's result for it (same b= value, in order). */
function pairResults(lines: string[], results: DkimVerifyResult[]): (DkimVerifyResult | undefined)[] {
  const pool = results.filter((r) => r.status.result !== 'none' || r.signature !== undefined);
  return lines.map((line) => {
    const b = /(?:^|;)\s*b\s*=([^;]*)/.exec(fieldValue(line).replace(/\r?\n/g, ''))?.[1]?.replace(/\s+/g, '');
    const i = pool.findIndex((r) => (r.signature ?? undefined) === (b || undefined));
    return i < 0 ? undefined : pool.splice(i, 1)[0];
  });
}

export async function verifyDkim(input: Buffer | Readable, resolver: MailauthResolver, opts: DkimOptions = {}): Promise<DkimStep> {
  const max = opts.maxSignatures ?? 10;
  const verifier = new DkimVerifier({ resolver, minBitLength: opts.minBitLength ?? 1024, ...(opts.now ? { curTime: opts.now } : {}) });
  let allRows: MailauthHeaderRow[] = [];
  // Hand mailauth only the first `max` DKIM-Signature fields, so an attacker's thousand
  // signatures cannot make it look up a thousand keys or run a thousand body hashers.
  const messageHeaders = verifier.messageHeaders.bind(verifier);
  verifier.messageHeaders = async (headers: unknown) => {
    const h = headers as { parsed: MailauthHeaderRow[]; original: Buffer };
    allRows = h.parsed;
    let n = 0;
    const parsed = h.parsed.filter((row) => row.key !== 'dkim-signature' || ++n <= max);
    await messageHeaders({ parsed, original: h.original });
  };
  const empty: DkimStep = { signatures: [], from: { fields: 0, addresses: [] }, arc: { chain: false } };
  try {
    // With no signature and no ARC set there is nothing to hash: the body is not read at all.
    await feedMessage(input, verifier, {
      maxHeaderBytes: opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
      bodyNotNeeded: () => verifier.headers !== false && verifier.bodyHashes.size === 0,
    });
  } catch (e) {
    const why = e instanceof HeaderBlockTooLarge ? e.message : `message could not be parsed: ${(e as Error)?.message ?? String(e)}`;
    return { ...empty, skipped: why };
  }
  const rows = allRows.length ? allRows : verifier.headers ? verifier.headers.parsed : [];
  const lines = rows.filter((r) => r.key === 'dkim-signature').map((r) => r.line.toString('latin1'));
  const paired = pairResults(lines.slice(0, max), verifier.results ?? []);
  return {
    signatures: lines.map((line, i) => verdictFor(line, paired[i], i, max)),
    from: { fields: rows.filter((r) => r.key === 'from').length, addresses: [...(verifier.headerFrom ?? [])] },
    arc: verifier.arc ?? { chain: false },
  };
}
