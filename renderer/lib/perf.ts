// Performance marks the UI benchmark (bench/ui.ts) reads: the first time a view shows its data.
const done = new Set<string>();

/** performance.mark(name) once per page load, after the next paint. */
export function markOnce(name: string): void {
  if (done.has(name)) return;
  done.add(name);
  requestAnimationFrame(() => setTimeout(() => performance.mark(name), 0));
}

/** performance.mark(name) after the next paint, every time (e.g. each session opened). */
export function markAfterPaint(name: string, detail?: unknown): void {
  requestAnimationFrame(() => setTimeout(() => performance.mark(name, { detail }), 0));
}
