// util: small helpers with no home of their own.
// memory.ts: keep RSS flat while large messages stream (a minor GC every few MB of socket data).
// Inputs/outputs: none beyond their arguments. Trust: none needed.
export { noteStreamedBytes } from './memory';
