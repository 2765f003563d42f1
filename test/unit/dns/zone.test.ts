import { describe, expect, it } from 'vitest';
import type { ZoneRecord } from '../../../engine/config/schema';
import {
  asMailauthResolver, createOverlayResolver, createZoneResolver, DnsError, isLoopback, reverseName,
  type DnsQueryRecord, type RRType,
} from '../../../engine/dns';

const zone = () => createZoneResolver({
  'example.test': { MX: [[10, 'mx.example.test.'], [20, 'backup.example.test']], TXT: ['v=spf1 ip4:127.0.0.10 -all', ['part one', 'part two']], NS: ['ns.example.test'] },
  'mx.example.test': { A: ['127.0.0.10'], AAAA: ['fd00::10'] },
  'www.example.test': { CNAME: ['mx.example.test'] },
  'deep.example.test': { CNAME: ['www.example.test.'] },
  'dangling.example.test': { CNAME: ['nowhere.example.test'] },
  'loop1.example.test': { CNAME: ['loop2.example.test'] },
  'loop2.example.test': { CNAME: ['loop1.example.test'] },
  'to-fail.example.test': { CNAME: ['tempfail.example.test'] },
  'tempfail.example.test': { SERVFAIL: true },
  'slow.example.test': { TIMEOUT: true, A: ['127.0.0.1'] },
  'empty.example.test': {},
  'nullmx.example.test': { MX: [[0, '.']] },
  '10.0.0.127.in-addr.arpa': { PTR: ['mx.example.test.'] },
  '192.0.2.7': { PTR: ['seven.example.test'] },
  'fd00::10': { PTR: ['mx.example.test'] },
});

async function outcome(p: Promise<unknown>): Promise<unknown> {
  return p.then((v) => v, (e: unknown) => (e instanceof DnsError ? e.code : e));
}

describe('zone resolver', () => {
  const answers: [string, RRType, unknown][] = [
    ['example.test', 'MX', [{ exchange: 'mx.example.test', priority: 10 }, { exchange: 'backup.example.test', priority: 20 }]],
    ['EXAMPLE.Test.', 'TXT', [['v=spf1 ip4:127.0.0.10 -all'], ['part one', 'part two']]],
    ['example.test', 'NS', ['ns.example.test']],
    ['mx.example.test', 'A', ['127.0.0.10']],
    ['mx.example.test', 'AAAA', ['fd00::10']],
    ['www.example.test', 'A', ['127.0.0.10']], // CNAME followed
    ['deep.example.test', 'AAAA', ['fd00::10']], // two hops
    ['www.example.test', 'CNAME', ['mx.example.test']], // asked for the CNAME itself
    ['10.0.0.127.in-addr.arpa', 'PTR', ['mx.example.test']],
    ['7.2.0.192.in-addr.arpa', 'PTR', ['seven.example.test']], // listed under the IP string
    ['nullmx.example.test', 'MX', [{ exchange: '', priority: 0 }]], // RFC 7505, node's shape
    ['mx.example.test', 'TXT', 'ENODATA'],
    ['www.example.test', 'MX', 'ENODATA'], // target lacks the type
    ['empty.example.test', 'A', 'ENODATA'],
    ['nope.example.test', 'A', 'ENOTFOUND'],
    ['test', 'NS', 'ENOTFOUND'],
    ['dangling.example.test', 'A', 'ENOTFOUND'],
    ['loop1.example.test', 'A', 'ESERVFAIL'],
    ['to-fail.example.test', 'A', 'ESERVFAIL'],
    ['tempfail.example.test', 'MX', 'ESERVFAIL'],
    ['slow.example.test', 'A', 'ETIMEOUT'],
    ['a..example.test', 'A', 'EBADNAME'],
    ['', 'A', 'EBADNAME'],
    ['192.0.2.7', 'PTR', 'ENOTFOUND'], // the IP key is a zone shorthand, not a name
  ];
  it.each(answers)('%s %s -> %j', async (name, type, want) => {
    expect(await outcome(zone().resolve(name, type))).toEqual(want);
  });

  it('reverses addresses, loopback without a query', async () => {
    const z = zone();
    const seen: DnsQueryRecord[] = [];
    z.onQuery((q) => seen.push(q));
    expect(await z.reverse('127.0.0.10')).toEqual(['localhost']);
    expect(await z.reverse('::1')).toEqual(['localhost']);
    expect(await z.reverse('::ffff:127.1.2.3')).toEqual(['localhost']);
    expect(seen).toEqual([]);
    expect(await z.reverse('192.0.2.7')).toEqual(['seven.example.test']);
    expect(await z.reverse('::ffff:192.0.2.7')).toEqual(['seven.example.test']);
    expect(await z.reverse('fd00:0:0::10')).toEqual(['mx.example.test']);
    expect(await outcome(z.reverse('192.0.2.8'))).toBe('ENOTFOUND');
    expect(await outcome(z.reverse('not-an-ip'))).toBe('EBADNAME');
    expect(seen.map((q) => [q.name, q.type, q.source, q.error])).toEqual([
      ['7.2.0.192.in-addr.arpa', 'PTR', 'zone', undefined],
      ['7.2.0.192.in-addr.arpa', 'PTR', 'zone', undefined],
      [`0.1.${'0.'.repeat(28)}d.f.ip6.arpa`, 'PTR', 'zone', undefined],
      ['8.2.0.192.in-addr.arpa', 'PTR', 'zone', 'ENOTFOUND'],
      ['not-an-ip', 'PTR', 'zone', 'EBADNAME'],
    ]);
  });

  it('reports every query to each listener until it unsubscribes', async () => {
    const z = zone();
    const a: DnsQueryRecord[] = [];
    const b: DnsQueryRecord[] = [];
    const offA = z.onQuery((q) => a.push(q));
    z.onQuery((q) => b.push(q));
    z.onQuery(() => { throw new Error('a broken listener'); });
    const mx = await z.resolve('Example.Test', 'MX');
    mx.pop(); // the caller's copy, not the zone's nor the trace's
    offA();
    await outcome(z.resolve('nope.example.test', 'A'));
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ name: 'example.test', type: 'MX', source: 'zone', answer: [{ exchange: 'mx.example.test', priority: 10 }, { exchange: 'backup.example.test', priority: 20 }] });
    expect(typeof a[0]?.at).toBe('number');
    expect(b.map((q) => q.error)).toEqual([undefined, 'ENOTFOUND']);
    expect(await z.resolve('example.test', 'MX')).toHaveLength(2);
  });

  it('thrown errors carry node-style fields', async () => {
    const err = await zone().resolve('Nope.example.test', 'MX').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DnsError);
    expect(err).toMatchObject({ code: 'ENOTFOUND', hostname: 'Nope.example.test', rrtype: 'MX', isNotFound: true, isTemporary: false });
    await expect(zone().resolve('example.test', 'SRV' as RRType)).rejects.toThrow(TypeError);
  });

  it('works as mailauth resolver', async () => {
    expect(await asMailauthResolver(zone())('example.test', 'TXT')).toContainEqual(['part one', 'part two']);
  });

  it('merges extra entries under the records: records win per name and type', async () => {
    const z = createZoneResolver(
      { 'example.test': { MX: [[5, 'inline.example.test']] }, '192.0.2.1': { PTR: ['inline.example.test'] } },
      { 'EXAMPLE.TEST.': { MX: [[10, 'file.example.test']], TXT: ['from file'] }, 'file-only.example.test': { A: ['192.0.2.9'] },
        '1.2.0.192.in-addr.arpa': { PTR: ['file.example.test'] } },
    );
    expect(await z.resolve('example.test', 'MX')).toEqual([{ exchange: 'inline.example.test', priority: 5 }]);
    expect(await z.resolve('example.test', 'TXT')).toEqual([['from file']]);
    expect(await z.resolve('file-only.example.test', 'A')).toEqual(['192.0.2.9']);
    expect(await z.reverse('192.0.2.1')).toEqual(['inline.example.test']);
    expect([z.has('Example.Test.'), z.has('192.0.2.1'), z.has('nope.example.test')]).toEqual([true, true, false]);
  });

  it.each<[Record<string, ZoneRecord>, string]>([
    [{ 'a.test': { A: ['::1'] } }, "a.test: A '::1' is not an IPv4 address"],
    [{ 'a.test': { AAAA: ['127.0.0.1'] } }, "a.test: AAAA '127.0.0.1' is not an IPv6 address"],
    [{ 'a.test': { CNAME: ['b.test', 'c.test'] } }, 'a.test: more than one CNAME'],
    [{ 'a.test': { CNAME: ['b.test'], MX: [[10, 'mx.test']] } }, 'a.test: has a CNAME and other data (MX)'],
    [{ 'a..test': { A: ['127.0.0.1'] } }, "'a..test': empty label"],
  ])('rejects a malformed zone: %j', (records, message) => {
    expect(() => createZoneResolver(records)).toThrow(message);
  });
});

describe('overlay resolver', () => {
  it('answers listed names from the zone, finally, and the rest from the other resolver', async () => {
    const outside = createZoneResolver({
      'example.test': { MX: [[99, 'outside.example.test']], TXT: ['outside'] },
      'other.test': { A: ['192.0.2.20'] },
      'cname-target.test': { A: ['192.0.2.21'] },
      '20.2.0.192.in-addr.arpa': { PTR: ['other.test'] },
    });
    const lab = createZoneResolver({
      'example.test': { MX: [[10, 'mx.example.test']] },
      'down.example.test': { SERVFAIL: true },
      'alias.example.test': { CNAME: ['cname-target.test'] },
    });
    const r = createOverlayResolver(lab, outside);
    const seen: string[] = [];
    const off = r.onQuery((q) => seen.push(`${q.source} ${q.name} ${q.type} ${q.error ?? 'ok'}`));
    expect(await r.resolve('example.test', 'MX')).toEqual([{ exchange: 'mx.example.test', priority: 10 }]);
    expect(await outcome(r.resolve('example.test', 'TXT'))).toBe('ENODATA');
    expect(await outcome(r.resolve('down.example.test', 'A'))).toBe('ESERVFAIL');
    expect(await r.resolve('other.test', 'A')).toEqual(['192.0.2.20']);
    expect(await r.resolve('alias.example.test', 'A')).toEqual(['192.0.2.21']); // CNAME leaves the zone
    expect(await outcome(r.resolve('nope.test', 'A'))).toBe('ENOTFOUND');
    expect(await r.reverse('192.0.2.20')).toEqual(['other.test']);
    expect(await r.reverse('127.0.0.1')).toEqual(['localhost']);
    off();
    await r.resolve('other.test', 'A');
    expect(seen).toEqual([
      'zone example.test MX ok', 'zone example.test TXT ENODATA', 'zone down.example.test A ESERVFAIL',
      'zone other.test A ok', 'zone cname-target.test A ok', 'zone nope.test A ENOTFOUND', 'zone 20.2.0.192.in-addr.arpa PTR ok',
    ]);
  });
});

describe('names', () => {
  it.each([
    ['192.0.2.1', '1.2.0.192.in-addr.arpa'],
    ['::ffff:192.0.2.1', '1.2.0.192.in-addr.arpa'],
    ['2001:db8::1', `1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`],
    ['2001:db8::192.0.2.1', `1.0.2.0.0.0.0.c.${'0.'.repeat(16)}8.b.d.0.1.0.0.2.ip6.arpa`],
    ['fe80::1%eth0', `1.${'0.'.repeat(28)}8.e.f.ip6.arpa`],
    ['not-an-ip', undefined],
  ])('reverseName(%s)', (ip, want) => {
    expect(reverseName(ip)).toBe(want);
  });

  it.each([
    ['127.0.0.1', true], ['127.255.0.9', true], ['::1', true], ['0::1', true], ['::ffff:127.0.0.1', true],
    ['128.0.0.1', false], ['::2', false], ['::', false], ['::ffff:10.0.0.1', false], ['localhost', false],
  ])('isLoopback(%s) = %s', (ip, want) => {
    expect(isLoopback(ip)).toBe(want);
  });
});
