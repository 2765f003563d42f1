// auth: SPF, DKIM, DMARC and ARC verdicts for received mail, DKIM signing and ARC sealing of mail we send.
// Inputs: the message as received (stream or buffer), client IP/HELO/MAIL FROM, our hostname, the engine Resolver.
// Outputs: AuthVerdict (our DTOs, JSON-safe, every DNS query kept), header texts, policy decisions, signatures.
// Trust: messages and DNS answers are hostile input; every failure becomes an RFC result, never an exception.
export type * from './types';
export { authenticate, type AuthenticateInput, type AuthenticateOptions } from './authenticate';
export { decidePolicy, shouldVerify } from './policy';
export { checkSpf, spfDomainProblem, spfIdentity, type SpfInput } from './spf';
export { verifyDkim, type DkimOptions, type DkimStep } from './dkim';
export { evaluateDmarc, parseDmarcRecord, weaker, type DmarcInput } from './dmarc';
export { verifyArc } from './arc';
export { arcSeal, type ArcSealInput, type ArcSealResult } from './arc-seal';
export { signMessage, signOutgoing, DEFAULT_SIGNED_HEADERS, type OutgoingSignResult, type SignInput, type SignResult } from './dkim-sign';
export {
  dkimKeygen, dkimKeyPaths, dkimTxtRecord, findSigningKey, fromHeaderDomain, writeDkimKey,
  type DkimKeyPair, type DkimKeyRecord, type DkimKeyType, type SigningKey,
} from './dkim-keys';
export {
  authResultsPayload, authservIdOf, formatAuthenticationResults, formatReceivedSpf, isForgedAuthResults, stripForgedAuthResults,
} from './headers';
export { createDnsRecorder, type DnsRecorder, type RecorderOptions } from './dns-recorder';
export { orgDomain, aligned } from './org-domain';
export { HeaderBlockTooLarge, DEFAULT_MAX_HEADER_BYTES } from './message-feed';
