// Keeps memory flat while large messages stream. Socket chunks are "external" memory to V8,
// which collects them only after ~64 MB of new external allocations; a 50 MB DATA phase would
// otherwise hold most of the message in dead buffers. A minor GC every few MB frees them.
import v8 from 'node:v8';
import vm from 'node:vm';

type Gc = (o?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let gc: Gc | null = null;
try {
  v8.setFlagsFromString('--expose-gc');
  gc = vm.runInNewContext('gc') as Gc;
} catch {
  gc = null; // not available: memory still bounded, just by V8's own limit
}

const EVERY = 4 * 1024 * 1024;
let sinceLast = 0;

/** Account for streamed bytes; collects young garbage after every few MB. */
export function noteStreamedBytes(n: number): void {
  sinceLast += n;
  if (sinceLast >= EVERY && gc) {
    sinceLast = 0;
    gc({ type: 'minor' });
  }
}
