// DKIM signing (RFC 6376) of mail we send for our own domains, by mailauth's signer: relaxed/
// relaxed, rsa-sha256 (the key decides: an Ed25519 key signs ed25519-sha256, RFC 8463), and a
// signed-header list covering what a forger would change. Never throws: a bad key or message
// gives { ok: false, error }.
import { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DkimSigner } from './mailauth-lib';
import { DEFAULT_MAX_HEADER_BYTES, feedMessage } from './message-feed';
import { findSigningKey, fromHeaderDomain } from './dkim-keys';

/** Signed when present (each instance). From is required. */
export const DEFAULT_SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'To', 'Cc', 'Subject', 'Date', 'Message-ID', 'In-Reply-To', 'References',
  'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding', 'Content-Disposition',
  'List-Id', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Post', 'List-Help', 'List-Owner', 'List-Archive',
] as const;

export interface SignInput {
  /** The message as it will leave (headers + body). */
  message: Buffer | Readable;
  domain: string;
  selector: string;
  /** PEM (PKCS#8 or PKCS#1), or a KeyObject. */
  privateKey: string | Buffer | KeyObject;
  /** Default: from the key (rsa → rsa-sha256, ed25519 → ed25519-sha256). */
  algorithm?: 'rsa-sha256' | 'ed25519-sha256';
  headers?: readonly string[];
  signTime?: Date;
  /** x= (signature expiry). */
  expires?: Date;
  maxHeaderBytes?: number;
}

export type SignResult =
  | { ok: true; /** "DKIM-Signature: ..." folded, no trailing CRLF */ header: string; algorithm: string; signedHeaders: string[] }
  | { ok: false; error: string };

function pem(key: SignInput['privateKey']): string | Buffer {
  return key instanceof KeyObject ? key.export({ format: 'pem', type: 'pkcs8' }) : key;
}

export async function signMessage(input: SignInput): Promise<SignResult> {
  let key: string | Buffer;
  try {
    key = pem(input.privateKey);
  } catch (e) {
    return { ok: false, error: `unusable private key: ${(e as Error).message}` };
  }
  const signer = new DkimSigner({
    canonicalization: 'relaxed/relaxed',
    ...(input.algorithm ? { algorithm: input.algorithm } : {}),
    ...(input.signTime ? { signTime: input.signTime } : {}),
    ...(input.expires ? { expires: input.expires } : {}),
    headerList: (input.headers ?? DEFAULT_SIGNED_HEADERS).join(':'),
    signatureData: [{ signingDomain: input.domain, selector: input.selector, privateKey: key }],
  });
  try {
    await feedMessage(input.message, signer, { maxHeaderBytes: input.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES });
  } catch (e) {
    return { ok: false, error: `message could not be read: ${(e as Error)?.message ?? String(e)}` };
  }
  const header = signer.signatureHeaders[0];
  if (!header) {
    const err = signer.errors[0]?.err;
    return { ok: false, error: err ? `signing failed: ${err.message}` : 'signing failed: no signature produced' };
  }
  const h = /;\s*h=([^;]+)/.exec(header.replace(/\r?\n\s*/g, ' '))?.[1]?.replace(/\s+/g, '') ?? '';
  const signedHeaders = h.split(':').filter(Boolean).map((x) => x.toLowerCase());
  if (!signedHeaders.includes('from')) return { ok: false, error: 'message has no From: header to sign (RFC 6376 §5.4)' };
  const algorithm = /;\s*a=([^;\s]+)/.exec(header)?.[1] ?? '';
  return { ok: true, header: header.replace(/\r\n$/, ''), algorithm, signedHeaders };
}

export type OutgoingSignResult =
  | { signed: true; header: string; domain: string; selector: string; algorithm: string; signedHeaders: string[] }
  | { signed: false; reason: string };

/**
 * Sign mail we send: find the key for the From: domain (or a parent) under keysDir and sign with
 * it. No single From address, or no key: not signed, with the reason (for the trace). `message`
 * may be a function: it is then called (the file opened) only when there is a key to sign with.
 */
export async function signOutgoing(input: { message: Buffer | Readable | (() => Readable); fromHeader: string | undefined; keysDir: string; signTime?: Date }): Promise<OutgoingSignResult> {
  const domain = input.fromHeader ? fromHeaderDomain(input.fromHeader) : undefined;
  if (!domain) return { signed: false, reason: 'no single From: address to sign for' };
  const key = findSigningKey(input.keysDir, domain);
  if (!key) return { signed: false, reason: `no DKIM key for ${domain} in ${input.keysDir}` };
  const message = typeof input.message === 'function' ? input.message() : input.message;
  const r = await signMessage({ message, domain: key.domain, selector: key.selector, privateKey: key.privateKeyPem, ...(input.signTime ? { signTime: input.signTime } : {}) });
  if (!r.ok) return { signed: false, reason: r.error };
  return { signed: true, header: r.header, domain: key.domain, selector: key.selector, algorithm: r.algorithm, signedHeaders: r.signedHeaders };
}
