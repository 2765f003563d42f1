// Small building blocks for the live stores: a change emitter for useSyncExternalStore and a
// scheduler that coalesces bursts of events into one update per frame.

export class Emitter {
  private fns = new Set<() => void>();
  subscribe = (fn: () => void): (() => void) => {
    this.fns.add(fn);
    return () => void this.fns.delete(fn);
  };
  emit(): void {
    for (const fn of this.fns) fn();
  }
}

/** Runs fn at most once per animation frame (or after 100 ms when frames are not running). */
export function perFrame(fn: () => void): () => void {
  let pending = false;
  const run = (): void => {
    if (!pending) return;
    pending = false;
    fn();
  };
  return () => {
    if (pending) return;
    pending = true;
    const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
    if (raf) raf.call(globalThis, run);
    setTimeout(run, 100);
  };
}

/** Trailing debounce that still fires at least every maxWaitMs while calls keep coming. */
export function debounce(fn: () => void, waitMs: number, maxWaitMs = waitMs * 4): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let first = 0;
  const fire = (): void => {
    timer = null;
    first = 0;
    fn();
  };
  const d = (): void => {
    const now = Date.now();
    if (!first) first = now;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, now - first >= maxWaitMs ? 0 : waitMs);
  };
  d.cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    first = 0;
  };
  return d;
}
