// The two SRS primitives (postsrsd / libsrs2 semantics, MTA-SEMANTICS §6.1):
//  - the day stamp: floor(unix_time / 86400) mod 1024 as two base32 characters (A-Z2-7), high bits first;
//  - the hash: HMAC-SHA1(secret, lowercase(fields joined)), base64 (URL-safe alphabet), first N characters.
import crypto from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STAMP_MOD = 1024;
const DAY = 86400;

export function dayNumber(unixSeconds: number): number {
  return Math.floor(unixSeconds / DAY) % STAMP_MOD;
}

export function encodeStamp(unixSeconds: number): string {
  const d = dayNumber(unixSeconds);
  return (BASE32[(d >> 5) & 31] as string) + (BASE32[d & 31] as string);
}

/** The day number a stamp stands for, or undefined if it is not two base32 characters (any case). */
export function decodeStamp(stamp: string): number | undefined {
  if (stamp.length !== 2) return undefined;
  const hi = BASE32.indexOf((stamp[0] as string).toUpperCase());
  const lo = BASE32.indexOf((stamp[1] as string).toUpperCase());
  return hi < 0 || lo < 0 ? undefined : (hi << 5) | lo;
}

/** Is the stamp from today or at most maxAge days ago (modulo the 1024-day wrap)? */
export function stampValid(stamp: string, unixSeconds: number, maxAgeDays: number): boolean {
  const then = decodeStamp(stamp);
  if (then === undefined) return false;
  const age = (dayNumber(unixSeconds) - then + STAMP_MOD) % STAMP_MOD;
  return age <= maxAgeDays;
}

/** The full hash (27 characters, no padding); addresses carry its first hash-length characters. */
export function srsHash(secret: string, fields: readonly string[]): string {
  return crypto.createHmac('sha1', secret).update(fields.join('').toLowerCase()).digest('base64url');
}

/**
 * Does `given` (from an address) match the full hash `computed`? As libsrs2: `given` is compared
 * with the first given.length characters, case-insensitively, with '+'≡'-' and '/'≡'_'.
 */
export function hashMatches(given: string, computed: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\+/g, '-').replace(/\//g, '_');
  const x = norm(given);
  const y = norm(computed).slice(0, x.length);
  return x.length > 0 && x.length === y.length && crypto.timingSafeEqual(Buffer.from(x), Buffer.from(y));
}
