// ARC sealing (RFC 8617 §5.1) of mail we forward, by mailauth: one set i=N of ARC-Seal,
// ARC-Message-Signature and ARC-Authentication-Results (our own A-R payload), cv= from our
// validation of the chain as it arrived. Seal after the last change to the message. No seal after
// a chain that already carries cv=fail, or past 50 sets. RSA only (RFC 8617 §4.1.3 allows rsa-sha256).
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { createSeal } from './mailauth-lib';
import { DEFAULT_SIGNED_HEADERS } from './dkim-sign';
import type { AuthVerdict } from './types';

export interface ArcSealInput {
  /** The message exactly as it will be forwarded (headers + body). Read once. */
  message: Buffer | Readable;
  /** Our verification of the message as it arrived (its arc result and A-R payload are used). */
  verdict: Pick<AuthVerdict, 'arc' | 'headers'>;
  signingDomain: string;
  selector: string;
  privateKey: string | Buffer;
  signTime?: Date;
}

export type ArcSealResult =
  | { sealed: true; instance: number; cv: 'none' | 'pass' | 'fail'; /** the three fields, top-down, CRLF-joined, no trailing CRLF */ headers: string }
  | { sealed: false; reason: string };

/** AMS h=: the DKIM list plus DKIM-Signature (never ARC-Seal, RFC 8617 §4.1.2). */
const AMS_HEADERS = ['DKIM-Signature', ...DEFAULT_SIGNED_HEADERS].join(':');

export async function arcSeal(input: ArcSealInput): Promise<ArcSealResult> {
  const { arc } = input.verdict;
  if (!arc.sealable) return { sealed: false, reason: arc.sets.length >= 50 ? 'chain already has 50 sets' : `chain cannot be extended (${arc.reason ?? 'cv=fail already present'})` };
  const instance = arc.sets.length + 1;
  if (instance > 50) return { sealed: false, reason: 'chain already has 50 sets' };
  const cv = instance === 1 ? 'none' : arc.result === 'pass' ? 'pass' : 'fail';
  try {
    const type = crypto.createPrivateKey(input.privateKey).asymmetricKeyType;
    if (type !== 'rsa') return { sealed: false, reason: `ARC needs an RSA key (rsa-sha256), not ${type}` };
  } catch (e) {
    return { sealed: false, reason: `unusable private key: ${(e as Error).message}` };
  }
  try {
    const { headers } = await createSeal(input.message, {
      seal: {
        i: instance, cv, signingDomain: input.signingDomain, selector: input.selector, privateKey: input.privateKey,
        authResults: input.verdict.headers.authResPayload, signTime: input.signTime ?? new Date(), headerList: AMS_HEADERS,
      },
    });
    const [as, ams, aar] = headers;
    if (!as || !ams || !aar) return { sealed: false, reason: 'sealing produced no ARC set' };
    return { sealed: true, instance, cv, headers: [as, ams, aar].map((h) => h.replace(/\r\n$/, '')).join('\r\n') };
  } catch (e) {
    return { sealed: false, reason: `sealing failed: ${(e as Error)?.message ?? String(e)}` };
  }
}
