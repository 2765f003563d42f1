// Greylisting with postgrey's semantics (MTA-SEMANTICS §5): a (client net, sender, recipient)
// triplet must retry after `delay` and within `retry_window`; clients that pass often enough
// are auto-whitelisted. State lives in SQLite and survives restarts. Pure decision logic plus
// two tables; the policy check (check_greylist) turns a decision into a verdict.
import type { Db } from '../store/db';
import { clientNet, normalizeSender } from './normalize';

export interface GreylistConfig {
  delay: number; // ms, postgrey --delay 300 s
  retry_window: number; // ms, 2 days
  max_age: number; // ms, 35 days
  auto_whitelist_clients: number; // 5 passes (0 = off)
  ipv4cidr: number;
  ipv6cidr: number;
  lookup_by_host: boolean;
}

export type GreylistDecision =
  | { action: 'pass'; reason: 'auto-whitelisted' | 'retried in time' | 'known triplet'; delayed?: number; firstPass: boolean; key: string }
  | { action: 'greylist'; key: string; secondsLeft: number; reason: 'new triplet' | 'too early' | 'retry window expired' };

const HOUR = 3_600_000;

export class Greylist {
  private readonly st;

  constructor(private readonly db: Db, private readonly cfg: GreylistConfig, private readonly now: () => number = Date.now) {
    this.st = {
      get: db.prepare('SELECT first_seen, last_seen, passed FROM greylist WHERE key = ?'),
      put: db.prepare(`INSERT INTO greylist (key, first_seen, last_seen, passed) VALUES (@key, @first, @last, @passed)
        ON CONFLICT(key) DO UPDATE SET first_seen = @first, last_seen = @last, passed = @passed`),
      awl: db.prepare('SELECT count, last_seen FROM greylist_awl WHERE client = ?'),
      awlBump: db.prepare(`INSERT INTO greylist_awl (client, count, last_seen) VALUES (?, 1, ?)
        ON CONFLICT(client) DO UPDATE SET count = count + CASE WHEN ? - last_seen >= ${HOUR} THEN 1 ELSE 0 END,
        last_seen = CASE WHEN ? - last_seen >= ${HOUR} THEN excluded.last_seen ELSE last_seen END`),
    };
  }

  key(ip: string, sender: string, recipient: string): string {
    const where = this.cfg.lookup_by_host ? ip : clientNet(ip, this.cfg.ipv4cidr, this.cfg.ipv6cidr);
    return `${where}/${normalizeSender(sender)}/${recipient.toLowerCase()}`;
  }

  /** postgrey's decision procedure (§5.2); writes the triplet back every time. */
  check(ip: string, sender: string, recipient: string): GreylistDecision {
    const now = this.now();
    const key = this.key(ip, sender, recipient);
    if (this.cfg.auto_whitelist_clients > 0) {
      const awl = this.st.awl.get(ip) as { count: number; last_seen: number } | undefined;
      if (awl && awl.count >= this.cfg.auto_whitelist_clients && now - awl.last_seen <= this.cfg.max_age) {
        return { action: 'pass', reason: 'auto-whitelisted', firstPass: false, key };
      }
    }
    const row = this.st.get.get(key) as { first_seen: number; last_seen: number; passed: number } | undefined;
    let first = row?.first_seen ?? now;
    let why: 'new triplet' | 'too early' | 'retry window expired' = row ? 'too early' : 'new triplet';
    if (row && !row.passed && now - row.first_seen > this.cfg.retry_window) { first = now; why = 'retry window expired'; }
    const waited = now - first;
    if (waited < this.cfg.delay || !row) {
      this.st.put.run({ key, first, last: now, passed: 0 });
      return { action: 'greylist', key, reason: why, secondsLeft: Math.ceil((this.cfg.delay - waited) / 1000) };
    }
    const firstPass = !row.passed;
    this.st.put.run({ key, first, last: now, passed: 1 });
    if (firstPass && this.cfg.auto_whitelist_clients > 0) this.st.awlBump.run(ip, now, now, now);
    return { action: 'pass', reason: firstPass ? 'retried in time' : 'known triplet', firstPass, delayed: Math.round(waited / 1000), key };
  }

  /** Forget old entries (postgrey's max-age cleanup; never-passed ones after the retry window). */
  purge(): number {
    const now = this.now();
    const a = this.db.prepare('DELETE FROM greylist WHERE (? - last_seen > ?) OR (passed = 0 AND ? - last_seen > ?)')
      .run(now, this.cfg.max_age, now, this.cfg.retry_window).changes;
    const b = this.db.prepare('DELETE FROM greylist_awl WHERE ? - last_seen > ?').run(now, this.cfg.max_age).changes;
    return a + b;
  }
}
