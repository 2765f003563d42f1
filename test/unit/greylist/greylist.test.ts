// postgrey semantics on a real SQLite file with a clock the test moves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../engine/store/db';
import { Greylist, type GreylistConfig } from '../../../engine/greylist/greylist';
import { clientNet, normalizeSender } from '../../../engine/greylist/normalize';

const S = 1000;
const cfg: GreylistConfig = { delay: 300 * S, retry_window: 2 * 86_400 * S, max_age: 35 * 86_400 * S, auto_whitelist_clients: 5, ipv4cidr: 24, ipv6cidr: 64, lookup_by_host: false };

function setup(c: Partial<GreylistConfig> = {}) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-grey-')), 'db.sqlite');
  let t = 1_800_000_000_000;
  const g = new Greylist(openDb(file), { ...cfg, ...c }, () => t);
  return { g, file, tick: (ms: number) => { t += ms; }, reopen: () => new Greylist(openDb(file), { ...cfg, ...c }, () => t) };
}

describe('normalisation (postgrey)', () => {
  it.each([
    ['192.0.2.77', '192.0.2.0/24'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:0:0:0:0/64'],
  ])('client %s is network %s', (ip, n) => expect(clientNet(ip)).toBe(n));
  it.each([
    ['Bob+List@Example.org', 'bob@example.org'],
    ['prvs=1234abcd=bob@example.org', 'bob@example.org'],
    ['bounce-12345-678@lists.example', 'bounce-#-#@lists.example'],
  ])('sender %s becomes %s', (s, n) => expect(normalizeSender(s)).toBe(n));
});

describe('Greylist', () => {
  it('greylists a new triplet, refuses a retry before the delay, passes one after it', () => {
    const { g, tick } = setup();
    expect(g.check('192.0.2.10', 'a@example.org', 'u@relaylab.test')).toMatchObject({ action: 'greylist', reason: 'new triplet', secondsLeft: 300 });
    tick(100 * S);
    expect(g.check('192.0.2.10', 'a@example.org', 'u@relaylab.test')).toMatchObject({ action: 'greylist', reason: 'too early', secondsLeft: 200 });
    tick(201 * S);
    expect(g.check('192.0.2.99', 'a@example.org', 'U@relaylab.test')).toMatchObject({ action: 'pass', firstPass: true, delayed: 301 }); // same /24, case-folded rcpt
    expect(g.check('192.0.2.10', 'a@example.org', 'u@relaylab.test')).toMatchObject({ action: 'pass', firstPass: false, reason: 'known triplet' });
  });

  it('starts over when the retry comes after the retry window', () => {
    const { g, tick } = setup();
    g.check('192.0.2.10', 'a@example.org', 'u@relaylab.test');
    tick(3 * 86_400 * S);
    expect(g.check('192.0.2.10', 'a@example.org', 'u@relaylab.test')).toMatchObject({ action: 'greylist', reason: 'retry window expired', secondsLeft: 300 });
  });

  it('auto-whitelists a client after 5 passes counted at most once an hour', () => {
    const { g, tick } = setup();
    for (let i = 0; i < 5; i++) {
      const rcpt = `u${i}@relaylab.test`;
      g.check('198.51.100.7', 'a@example.org', rcpt);
      tick(301 * S);
      expect(g.check('198.51.100.7', 'a@example.org', rcpt).action).toBe('pass');
      tick(HOUR);
    }
    expect(g.check('198.51.100.7', 'new@example.org', 'fresh@relaylab.test')).toMatchObject({ action: 'pass', reason: 'auto-whitelisted' });
    expect(g.check('198.51.100.8', 'new@example.org', 'fresh@relaylab.test').action).toBe('greylist'); // by exact IP only
  });

  it('keeps its state across a restart (a new connection to the same file)', () => {
    const s = setup();
    s.g.check('192.0.2.10', 'a@example.org', 'u@relaylab.test');
    s.tick(301 * S);
    expect(s.reopen().check('192.0.2.10', 'a@example.org', 'u@relaylab.test').action).toBe('pass');
  });

  it('purges never-passed triplets after the retry window and all after max_age', () => {
    const { g, tick } = setup();
    g.check('192.0.2.10', 'a@example.org', 'u@relaylab.test');
    tick(3 * 86_400 * S);
    expect(g.purge()).toBe(1);
  });
});

const HOUR = 3_600_000;
