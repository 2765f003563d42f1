// authenticate(): SPF, DKIM, ARC and DMARC for one received message, in RFC order (SPF and DKIM
// side by side, then ARC and DMARC, which need them), every DNS query recorded, and the header
// texts to prepend. Never throws: a failure inside any step becomes that step's RFC result.
import type { Readable } from 'node:stream';
import type { Resolver } from '../dns/resolver.port';
import { verifyArc } from './arc';
import { verifyDkim, type DkimStep } from './dkim';
import { evaluateDmarc } from './dmarc';
import { createDnsRecorder, type RecorderOptions } from './dns-recorder';
import { authResultsPayload, formatAuthenticationResults, formatReceivedSpf } from './headers';
import { checkSpf } from './spf';
import type { ArcVerdict, AuthVerdict, DmarcVerdict, SpfVerdict } from './types';

export interface AuthenticateInput {
  /** The message as received (headers + body), without the headers we add. */
  message: Readable | Buffer;
  /** Client IP (after XCLIENT, the claimed one). */
  ip: string;
  helo: string;
  /** MAIL FROM, '' for <>. */
  sender: string;
  /** Our authserv-id (config hostname). */
  hostname: string;
  resolver: Resolver;
}

export interface AuthenticateOptions extends RecorderOptions {
  /** Header block cap; above it DKIM/ARC/DMARC are not evaluated (default 1 MiB). */
  maxHeaderBytes?: number;
  maxDkimSignatures?: number;
  minBitLength?: number;
  /** Also evaluate the HELO identity (RFC 7208 §2.3) when there is a sender. */
  checkHelo?: boolean;
  /** pct sampling source (tests pin it). */
  random?: () => number;
  /** Clock for DKIM t=/x= (tests). */
  now?: Date;
}

function spfFallback(input: AuthenticateInput, e: unknown): SpfVerdict {
  const problem = `SPF evaluation failed: ${(e as Error)?.message ?? String(e)}`;
  return {
    result: 'temperror', identity: input.sender ? 'mailfrom' : 'helo', sender: input.sender || `postmaster@${input.helo}`,
    domain: '', clientIp: input.ip, helo: input.helo, lookups: { count: 0, limit: 10, void: 0, voidLimit: 2 },
    comment: problem, problem, records: [],
  };
}

const NO_DMARC = (reason: string): DmarcVerdict => ({
  result: 'none', reason, disposition: 'none', spf: { result: 'none', aligned: false, mode: 'r', counts: false }, dkim: [], dkimMode: 'r',
});

export async function authenticate(input: AuthenticateInput, opts: AuthenticateOptions = {}): Promise<AuthVerdict> {
  const started = Date.now();
  const rec = createDnsRecorder(input.resolver, opts);
  const spfInput = { ip: input.ip, helo: input.helo, sender: input.sender, hostname: input.hostname };

  const [spf, spfHelo, dkim] = await Promise.all([
    checkSpf(spfInput, rec.forPhase('spf')).catch((e: unknown) => spfFallback(input, e)),
    opts.checkHelo && input.sender && input.helo
      ? checkSpf({ ...spfInput, identity: 'helo' }, rec.forPhase('spf-helo')).catch((e: unknown) => spfFallback(input, e))
      : Promise.resolve(undefined),
    verifyDkim(input.message, rec.forPhase('dkim'), {
      ...(opts.maxHeaderBytes !== undefined ? { maxHeaderBytes: opts.maxHeaderBytes } : {}),
      ...(opts.maxDkimSignatures !== undefined ? { maxSignatures: opts.maxDkimSignatures } : {}),
      ...(opts.minBitLength !== undefined ? { minBitLength: opts.minBitLength } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    }).catch((e: unknown): DkimStep => ({ signatures: [], from: { fields: 0, addresses: [] }, arc: { chain: false }, skipped: `DKIM step failed: ${(e as Error)?.message ?? String(e)}` })),
  ]);

  let arc: ArcVerdict;
  let dmarc: DmarcVerdict;
  if (dkim.skipped) {
    arc = { result: 'none', reason: `not evaluated: ${dkim.skipped}`, sets: [], sealable: false };
    dmarc = { ...NO_DMARC(`not evaluated: ${dkim.skipped}`), result: 'permerror' };
  } else {
    [arc, dmarc] = await Promise.all([
      verifyArc(dkim.arc, rec.forPhase('arc'), opts.minBitLength !== undefined ? { minBitLength: opts.minBitLength } : {})
        .catch((e: unknown): ArcVerdict => ({ result: 'fail', reason: `ARC step failed: ${(e as Error)?.message ?? String(e)}`, sets: [], sealable: false })),
      evaluateDmarc({ from: dkim.from, spf, dkim: dkim.signatures, ...(opts.random ? { random: opts.random } : {}) }, rec.forPhase('dmarc'))
        .catch((e: unknown) => ({ ...NO_DMARC(`DMARC step failed: ${(e as Error)?.message ?? String(e)}`), result: 'temperror' as const })),
    ]);
  }

  const payload = authResultsPayload({ hostname: input.hostname, clientIp: spf.clientIp, spf, dkim: dkim.signatures, arc, dmarc, ...(dkim.skipped ? { skipped: dkim.skipped } : {}) });
  return {
    ...(dkim.skipped ? { skipped: dkim.skipped } : {}),
    spf,
    ...(spfHelo ? { spfHelo } : {}),
    dkim: dkim.signatures,
    dmarc,
    arc,
    dnsQueries: rec.queries,
    ...(rec.dropped ? { dnsQueriesDropped: rec.dropped } : {}),
    headers: {
      authenticationResults: formatAuthenticationResults(payload),
      receivedSpf: formatReceivedSpf(spf, input.hostname),
      authResPayload: payload,
    },
    ms: Date.now() - started,
  };
}
