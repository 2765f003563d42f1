// The system resolver's cache, against a real DNS server (dnsmasq) with a hand-moved clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TtlCache } from '../../../engine/dns/cache';
import { createSystemResolver, DnsError, type DnsQueryRecord, type RRType } from '../../../engine/dns';
import { skipWithoutDnsmasq, startDnsmasq, type Dnsmasq } from '../../helpers/dnsmasq';

describe('TtlCache', () => {
  it('expires entries at their TTL and evicts the oldest past max', () => {
    let t = 1000;
    const c = new TtlCache<string>(2, () => t);
    c.set('a', 'A', 100);
    c.set('b', 'B', 500);
    c.set('zero', 'Z', 0);
    expect([c.get('a'), c.get('zero'), c.size]).toEqual(['A', undefined, 2]);
    t += 100;
    expect([c.get('a'), c.get('b')]).toEqual([undefined, 'B']);
    c.set('c', 'C', 500);
    c.set('b', 'B2', 500); // re-set: b is now the newest
    c.set('d', 'D', 500); // evicts c, the oldest
    expect([c.get('b'), c.get('c'), c.get('d'), c.size]).toEqual(['B2', undefined, 'D', 2]);
    expect(new TtlCache<string>(0).size).toBe(0);
  });
});

describe.skipIf(skipWithoutDnsmasq)('system resolver cache against dnsmasq', () => {
  let dm: Dnsmasq;
  beforeAll(async () => {
    dm = await startDnsmasq([
      '--local=/example.test/', '--local-ttl=300',
      '--mx-host=example.test,mx1.example.test,10',
      '--host-record=mx1.example.test,127.0.0.11',
      '--host-record=zero.example.test,127.0.0.12,0',
      '--host-record=short.example.test,127.0.0.13,5',
      ...['a', 'b', 'c'].map((h) => `--host-record=${h}.example.test,127.0.1.1`),
    ]);
  });
  afterAll(async () => { await dm?.stop(); });

  /** A resolver on a clock the test moves, and the source of each query it reports. */
  function setup(cacheTtlMs: number, maxEntries?: number) {
    const clock = { t: 1_000_000 };
    const r = createSystemResolver({ servers: [dm.server], timeoutMs: 2000, tries: 2, cacheTtlMs, maxEntries, now: () => clock.t });
    const seen: DnsQueryRecord[] = [];
    r.onQuery((q) => seen.push(q));
    const ask = async (name: string, type: RRType) => {
      await r.resolve(name, type).catch((e: unknown) => { if (!(e instanceof DnsError)) throw e; });
      return seen.at(-1)?.source;
    };
    return { r, clock, ask };
  }

  const cases: { what: string; cacheTtlMs: number; name: string; type: RRType; hitUntil: number }[] = [
    { what: 'A: the record TTL (5 s)', cacheTtlMs: 300_000, name: 'short.example.test', type: 'A', hitUntil: 5_000 },
    { what: 'A: cache_ttl when shorter than the TTL', cacheTtlMs: 10_000, name: 'mx1.example.test', type: 'A', hitUntil: 10_000 },
    { what: 'MX: node gives no TTL, so cache_ttl', cacheTtlMs: 120_000, name: 'example.test', type: 'MX', hitUntil: 120_000 },
    { what: 'ENOTFOUND: 60 s', cacheTtlMs: 300_000, name: 'nope.example.test', type: 'A', hitUntil: 60_000 },
    { what: 'ENODATA: 60 s', cacheTtlMs: 300_000, name: 'mx1.example.test', type: 'AAAA', hitUntil: 60_000 },
    { what: 'ENOTFOUND: cache_ttl when shorter', cacheTtlMs: 20_000, name: 'nope.example.test', type: 'MX', hitUntil: 20_000 },
  ];
  it.each(cases)('keeps $what', async ({ cacheTtlMs, name, type, hitUntil }) => {
    const { r, clock, ask } = setup(cacheTtlMs);
    expect(await ask(name, type)).toBe('system');
    clock.t += hitUntil - 1;
    expect(await ask(name.toUpperCase() + '.', type)).toBe('cache');
    clock.t += 1;
    expect(await ask(name, type)).toBe('system');
    r.close?.();
  });

  it('never caches TTL 0 answers, temporary failures, or anything when cache_ttl is 0', async () => {
    const { r, ask } = setup(300_000);
    expect([await ask('zero.example.test', 'A'), await ask('zero.example.test', 'A')]).toEqual(['system', 'system']);
    expect([await ask('outside.invalid', 'A'), await ask('outside.invalid', 'A')]).toEqual(['system', 'system']); // REFUSED
    r.close?.();
    const off = setup(0);
    expect([await off.ask('example.test', 'MX'), await off.ask('example.test', 'MX')]).toEqual(['system', 'system']);
    expect([await off.ask('nope.example.test', 'A'), await off.ask('nope.example.test', 'A')]).toEqual(['system', 'system']);
    off.r.close?.();
  });

  it('evicts the oldest entry past maxEntries', async () => {
    const { r, ask } = setup(300_000, 2);
    for (const h of ['a', 'b', 'c']) await ask(`${h}.example.test`, 'A');
    expect(await ask('c.example.test', 'A')).toBe('cache');
    expect(await ask('a.example.test', 'A')).toBe('system');
    r.close?.();
  });

  it('hands out copies, and close() empties the cache', async () => {
    const { r, ask } = setup(300_000);
    const first = await r.resolve('example.test', 'MX');
    first.push({ exchange: 'evil.test', priority: 0 });
    (first[0] as { exchange: string }).exchange = 'changed';
    expect(await r.resolve('example.test', 'MX')).toEqual([{ exchange: 'mx1.example.test', priority: 10 }]);
    r.close?.();
    expect(await ask('example.test', 'MX')).toBe('system');
  });
});
