// The one place that reaches into mailauth@4.13.3 (CommonJS, no exports map, so its lib/ files
// load by path). Only the fields we read are typed; everything else stays unknown. If a mailauth
// upgrade changes a shape, this file and its users are what to re-check.
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';

// import.meta is empty in Electron's CommonJS bundle: there, this module's file is the bundle's.
const require = createRequire((import.meta.url as string | undefined) ?? __filename);

/** mailauth's resolver contract: node's dns.promises.resolve(name, type). */
export type MailauthResolver = (name: string, type: string) => Promise<unknown>;

/** A limited resolver as spfVerify calls it (a third argument, the client's IP family, is ignored). */
export type SpfResolver = (name: string, type: string) => Promise<unknown>;

/** What spfVerify resolves to: the decisive term, or an error, plus the SPF record text. */
export interface SpfVerifyOutcome {
  type?: string;
  val?: string;
  qualifier?: '+' | '-' | '~' | '?';
  include?: SpfVerifyOutcome;
  error?: string;
  text?: string;
  rr?: string;
}

export interface SpfVerifyOptions {
  sender: string;
  ip: string;
  helo: string;
  mta: string;
  resolver: SpfResolver;
  createSubResolver: () => SpfResolver;
}

/** A thrown error may carry an RFC outcome (mailauth's convention). */
export type SpfError = Error & { spfResult?: { error: string; text?: string; message?: string; rr?: string }; code?: string };

export const spfVerify = (require('mailauth/lib/spf/spf-verify') as {
  spfVerify: (domain: string, opts: SpfVerifyOptions) => Promise<SpfVerifyOutcome | false | undefined>;
}).spfVerify;

export interface ParsedTagHeader {
  parsed?: Record<string, { value?: unknown; comment?: string } | undefined> & { value?: unknown };
  original?: Buffer | string;
}

export interface MailauthHeaderRow { key: string | null; casedKey?: string; line: Buffer }

export interface ArcChainLink {
  i: number;
  'arc-seal': ParsedTagHeader;
  'arc-message-signature': ParsedTagHeader;
  'arc-authentication-results': ParsedTagHeader;
  messageSignature?: DkimVerifyResult;
}

export interface ArcData {
  chain: ArcChainLink[] | false;
  lastEntry?: ArcChainLink;
  error?: Error & { code?: string };
}

export interface DkimVerifyResult {
  signingDomain?: string;
  selector?: string;
  signature?: string;
  algo?: string;
  format?: string;
  bodyHash?: string;
  bodyHashExpecting?: string;
  status: { result: string; comment?: string; policy?: Record<string, string> };
  modulusLength?: number;
  rr?: string;
  signTime?: string | null;
  expiresAfter?: string | null;
}

/** mailauth's DkimVerifier: a Writable fed the message; results after 'finish'. */
export interface DkimVerifierInstance extends Writable {
  results: DkimVerifyResult[];
  headers: { parsed: MailauthHeaderRow[] } | false;
  headerFrom: string[];
  arc: ArcData;
  signatureHeaders: { type: string; skip?: boolean }[];
  /** One body hasher per (canonicalization, hash, l=) in use; empty = nothing to hash. */
  bodyHashes: Map<string, unknown>;
  messageHeaders(headers: unknown): Promise<void>;
}

export const DkimVerifier = (require('mailauth/lib/dkim/dkim-verifier') as {
  DkimVerifier: new (opts: { resolver: MailauthResolver; minBitLength?: number; curTime?: Date; sender?: string }) => DkimVerifierInstance;
}).DkimVerifier;

export interface MailauthArcResult {
  status: { result: string; comment?: string };
  i?: number | false;
  signature?: DkimVerifyResult | false;
  authenticationResults?: Record<string, unknown>;
}

const arcLib = require('mailauth/lib/arc') as {
  arc: (data: ArcData, opts: { resolver: MailauthResolver; minBitLength?: number }) => Promise<MailauthArcResult>;
  createSeal: (input: Readable | Buffer, data: { seal: SealOptions }) => Promise<{ headers: string[] }>;
};
export const arcVerify = arcLib.arc;
export const createSeal = arcLib.createSeal;

export interface SealOptions {
  i?: number;
  cv: 'none' | 'pass' | 'fail';
  signingDomain: string;
  selector: string;
  privateKey: string | Buffer;
  authResults: string;
  signTime?: Date;
  headerList?: string;
}

export interface DkimSignOptions {
  canonicalization?: string;
  algorithm?: string;
  signTime?: Date;
  expires?: Date;
  headerList?: string;
  signatureData: { signingDomain: string; selector: string; privateKey: string | Buffer; algorithm?: string; canonicalization?: string }[];
}

export interface DmarcRecordLookup {
  rr: string;
  isOrgRecord: boolean;
}

export const getDmarcRecord = require('mailauth/lib/dmarc/get-dmarc-record') as (
  domain: string,
  resolver: MailauthResolver,
) => Promise<DmarcRecordLookup | false>;

export const parseTagHeader = require('mailauth/lib/parse-dkim-headers') as (line: Buffer | string) => ParsedTagHeader;

/** mailauth's own dependencies, resolved from its folder (the same copies it uses). */
const fromMailauth = createRequire(require.resolve('mailauth/package.json'));

/** tldts (mailauth's public suffix list) with the options mailauth's DMARC uses (ICANN and private sections). */
const tldts = fromMailauth('tldts') as { getDomain: (d: string, o: object) => string | null };
const { TLDTS_OPTS } = require('mailauth/lib/tools') as { TLDTS_OPTS: object };
export function pslOrgDomain(domain: string): string | null {
  return tldts.getDomain(domain, TLDTS_OPTS);
}

/** mailauth's DkimSigner: a Writable fed the message; signatureHeaders/errors after 'finish'. */
export interface DkimSignerInstance extends Writable {
  signatureHeaders: string[];
  errors: { err: Error }[];
}

export const DkimSigner = (require('mailauth/lib/dkim/dkim-signer') as {
  DkimSigner: new (opts: DkimSignOptions) => DkimSignerInstance;
}).DkimSigner;

/** The From: parser mailauth's DKIM/DMARC code uses (its own nodemailer's), so signing reads From the same way. */
type Parsed = { address?: string; group?: Parsed[] };
const addressparser = fromMailauth('nodemailer/lib/addressparser') as (s: string) => Parsed[];
export function parseAddresses(value: string): string[] {
  const out: string[] = [];
  const walk = (list: Parsed[]) => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else if (a.address) out.push(a.address);
    }
  };
  try { walk(addressparser(value)); } catch { /* unparseable: no addresses */ }
  return out;
}
