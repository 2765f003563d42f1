// Display formats for times, durations and sizes. Pure functions (unit-tested).

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "14:03:07.123" today, "28 Nov 14:03:07" on another day. */
export function fmtTime(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (sameDay(d, new Date(now))) return `${hms}.${pad(d.getMilliseconds(), 3)}`;
  return `${d.getDate()} ${d.toLocaleString('en', { month: 'short' })} ${hms}`;
}

/** "2026-11-28 14:03:07.123" (local time), for tooltips and details. */
export function fmtDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "2026-11-28 14:03:07" (local time): for header dates, which have whole seconds. */
export function fmtDateTimeSec(ms: number): string {
  return fmtDateTime(ms).slice(0, 19);
}

/** A duration for people: "0 ms", "850 ms", "1.2 s", "3 min 5 s", "2 h 4 min", "3 d 2 h". */
export function fmtDuration(ms: number): string {
  const neg = ms < 0;
  const a = Math.abs(ms);
  let s: string;
  if (a < 1000) s = `${Math.round(a)} ms`;
  else if (a < 10_000) s = `${(a / 1000).toFixed(1)} s`;
  else if (a < 60_000) s = `${Math.round(a / 1000)} s`;
  else if (a < 3_600_000) s = `${Math.floor(a / 60_000)} min ${Math.round((a % 60_000) / 1000)} s`;
  else if (a < 86_400_000) s = `${Math.floor(a / 3_600_000)} h ${Math.round((a % 3_600_000) / 60_000)} min`;
  else s = `${Math.floor(a / 86_400_000)} d ${Math.round((a % 86_400_000) / 3_600_000)} h`;
  return neg ? `−${s}` : s;
}

/** "in 3.0 s", "5 min 2 s ago", "now". */
export function fmtRelative(at: number, now: number): string {
  const d = at - now;
  if (Math.abs(d) < 500) return 'now';
  return d > 0 ? `in ${fmtDuration(d)}` : `${fmtDuration(-d)} ago`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** An envelope address as shown: '' is the null sender. */
export function fmtEnvelope(addr: string): string {
  return addr === '' ? '<> (null sender)' : addr;
}
