// SASL users: scrypt hashes in SQLite (never a password on disk, in a log or in the trace),
// and the failed-AUTH counter (per IP and per user name) with a lockout (MTA-SEMANTICS §8.5).
import crypto from 'node:crypto';
import type { Db } from '../store/db';

const N = 16384, R = 8, P = 1, KEYLEN = 32;

export function hashPassword(password: string): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(password, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const got = await new Promise<Buffer>((resolve, reject) =>
    crypto.scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) }, (e, k) => (e ? reject(e) : resolve(k))));
  return got.length === expected.length && crypto.timingSafeEqual(got, expected);
}

export const USERNAME_RE = /^[A-Za-z0-9._@+-]{1,64}$/;

export class Users {
  constructor(private readonly db: Db) {}

  add(name: string, password: string): void {
    if (!USERNAME_RE.test(name)) throw new Error(`bad user name ${JSON.stringify(name)}: use 1-64 of A-Z a-z 0-9 . _ @ + -`);
    if (password.length < 8) throw new Error('the password must have at least 8 characters');
    this.db.prepare('INSERT INTO users (name, hash, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET hash = excluded.hash')
      .run(name, hashPassword(password), Date.now());
  }

  list(): string[] {
    return (this.db.prepare('SELECT name FROM users ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  }

  exists(name: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM users WHERE name = ?').get(name);
  }

  async check(name: string, password: string): Promise<boolean> {
    const row = this.db.prepare('SELECT hash FROM users WHERE name = ?').get(name) as { hash: string } | undefined;
    // Hash anyway when the user does not exist, so timing does not tell who exists.
    const ok = await verifyPassword(password, row?.hash ?? DUMMY);
    return !!row && ok;
  }

  /** Is this client or user locked out after too many failures? */
  lockedOut(keys: string[], limit: number, lockoutMs: number, now = Date.now()): boolean {
    const q = this.db.prepare('SELECT count, last_at FROM auth_failures WHERE key = ?');
    return keys.some((k) => {
      const r = q.get(k) as { count: number; last_at: number } | undefined;
      return !!r && r.count >= limit && now - r.last_at < lockoutMs;
    });
  }

  recordFailure(keys: string[], lockoutMs: number, now = Date.now()): void {
    const up = this.db.prepare(`INSERT INTO auth_failures (key, count, last_at) VALUES (?, 1, ?)
      ON CONFLICT(key) DO UPDATE SET count = CASE WHEN ? - last_at > ? THEN 1 ELSE count + 1 END, last_at = excluded.last_at`);
    for (const k of keys) up.run(k, now, now, lockoutMs);
  }

  clearFailures(keys: string[]): void {
    const del = this.db.prepare('DELETE FROM auth_failures WHERE key = ?');
    for (const k of keys) del.run(k);
  }
}

const DUMMY = hashPassword(crypto.randomBytes(12).toString('hex'));
