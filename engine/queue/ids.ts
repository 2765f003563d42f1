// Queue ids: 12 characters, sortable by time (like Postfix's long queue ids), allocated at MAIL
// FROM so milters and the trace have one from the start (MTA-SEMANTICS §9.3 engine rule).
import crypto from 'node:crypto';

const ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXYZ'; // no vowels: ids never spell words
let last = 0;
let counter = 0;

export function newQueueId(now = Date.now()): string {
  if (now === last) counter++; else { last = now; counter = 0; }
  let t = now;
  let head = '';
  for (let i = 0; i < 8; i++) { head = ALPHABET[t % 31] + head; t = Math.floor(t / 31); }
  const rnd = randomByteTriple();
  let tail = ALPHABET[counter % 31] ?? '0';
  for (let i = 0; i < 3; i++) tail += ALPHABET[(rnd[i] ?? 0) % 31];
  return head + tail;
}

// Random bytes drawn 3 at a time from a pool (a crypto call per id costs more than the id).
const pool = Buffer.alloc(3 * 256);
let poolAt = pool.length;
function randomByteTriple(): Buffer {
  if (poolAt >= pool.length) { crypto.randomFillSync(pool); poolAt = 0; }
  poolAt += 3;
  return pool.subarray(poolAt - 3, poolAt);
}

export const QUEUE_ID_RE = /^[0-9A-Z]{12}$/;
