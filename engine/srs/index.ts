// srs: Sender Rewriting Scheme (postsrsd/libsrs2 semantics) for mail we forward to foreign domains.
// Inputs: an envelope sender (forward) or an SRS recipient (reverse), our SRS domain, the secrets file in the data dir.
// Outputs: SRS0/SRS1 addresses, or the original address after hash and age checks; results are values, never throws.
// Trust: reverse input comes from the network; only a valid hash (HMAC-SHA1 with our secret) and a fresh stamp pass.
export { createSrs, type Srs, type SrsForward, type SrsOptions, type SrsReverse, type SrsReverseError } from './srs';
export { dayNumber, decodeStamp, encodeStamp, hashMatches, srsHash, stampValid } from './codec';
export { loadSrsSecrets, parseSrsSecrets, SRS_SECRET_FILE } from './secrets';
