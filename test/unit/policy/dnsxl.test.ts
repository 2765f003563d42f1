import { describe, expect, it } from 'vitest';
import { addrQuery, macExpand, parseDnsxlArg, parseReplyFilter, rhsblDomain } from '../../../engine/policy/dnsxl';
import { dnsLookup, statusOf } from '../../../engine/policy/dns-status';
import { DnsError } from '../../../engine/dns/resolver.port';
import { createZoneResolver } from '../../../engine/dns/zone';

describe('DNSxL helpers', () => {
  it('query names: reversed octets, or 32 reversed nibbles', () => {
    expect(addrQuery('192.0.2.1', 'zen.test')).toBe('1.2.0.192.zen.test');
    expect(addrQuery('::ffff:192.0.2.1', 'zen.test')).toBe('1.2.0.192.zen.test');
    expect(addrQuery('2001:db8::1', 'zen.test')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.test');
    expect(addrQuery('nonsense', 'zen.test')).toBeUndefined();
  });

  it('reply filters: numbers, [a..b] ranges and ; lists per octet', () => {
    const f = parseReplyFilter('127.0.[0;1].[2..11]');
    const ok = (ip: string) => { const o = ip.split('.').map(Number); return f.every((m, i) => m(o[i]!)); };
    expect(['127.0.0.2', '127.0.1.11'].map(ok)).toEqual([true, true]);
    expect(['127.0.2.2', '127.0.0.12', '127.1.0.2'].map(ok)).toEqual([false, false, false]);
    expect(() => parseReplyFilter('127.0.0.[5..2]')).toThrow('bad range');
    expect(() => parseReplyFilter('127.0.0.2.1')).toThrow('unexpected');
    expect(parseDnsxlArg('zen.test.')).toEqual({ raw: 'zen.test.', domain: 'zen.test' });
  });

  it('RHSBL domains: the part after @, not a literal, not numeric, a valid name', () => {
    const valid = (d: string) => !d.includes('..');
    expect(rhsblDomain('a@b.example', valid)).toBe('b.example');
    expect(rhsblDomain('b.example', valid)).toBe('b.example');
    expect(rhsblDomain('a@[192.0.2.1]', valid)).toBeUndefined();
    expect(rhsblDomain('a@example.123', valid)).toBeUndefined();
    expect(rhsblDomain('a@bad..example', valid)).toBeUndefined();
  });

  it('mac_expand: $x ${x} $(x) ${x?text} ${x:text} $$; values pass smtpd_expansion_filter', () => {
    const v: Record<string, string> = { a: 'A', empty: '', bad: 'x\u0001y\u00e9' };
    const look = (n: string) => v[n];
    expect(macExpand('$a ${a} $(a) $$ ${a?yes} ${empty?no}${empty:fallback $a}', look)).toBe('A A A $ yes fallback A');
    expect(macExpand('[$bad]', look)).toBe('[x_y_]');
    expect(() => macExpand('$nope', look)).toThrow('unknown macro "nope"');
    expect(() => macExpand('${a', look)).toThrow('truncated');
  });
});

describe('DNS lookups as Postfix restrictions see them', () => {
  const resolver = createZoneResolver({
    'ok.example': { MX: [[10, 'mx.ok.example']] }, 'nodata.example': { TXT: ['x'] }, 'fail.example': { SERVFAIL: true },
    'null.example': { MX: [[0, '.']], A: ['192.0.2.1'] },
  });
  const status = (name: string, types: ('MX' | 'A' | 'AAAA')[], o = {}) => dnsLookup(resolver, name, types, o, () => undefined);

  it('stops at the first answer; the best status wins', async () => {
    expect(await status('ok.example', ['MX', 'A'])).toBe('ok');
    expect(await status('nodata.example', ['MX', 'A'])).toBe('notfound');
    expect(await status('fail.example', ['MX', 'A'])).toBe('retry');
    expect(await status('null.example', ['MX', 'A'], { stopNullMx: true })).toBe('nullmx');
    expect(await status('null.example', ['MX', 'A'])).toBe('ok');
  });

  it('numeric and malformed names are "not found" without a query', async () => {
    const asked: string[] = [];
    const r = createZoneResolver({});
    r.onQuery((q) => asked.push(q.name));
    expect(await dnsLookup(r, '192.0.2.1', ['A'], {}, () => undefined)).toBe('notfound');
    expect(await dnsLookup(r, 'bad..name', ['A'], {}, () => undefined)).toBe('notfound');
    expect(asked).toEqual([]);
  });

  it('maps resolver errors to Postfix statuses', () => {
    expect(statusOf(new DnsError('ENOTFOUND', 'x', 'A'))).toBe('notfound');
    expect(statusOf(new DnsError('ESERVFAIL', 'x', 'A'))).toBe('retry');
    expect(statusOf(new DnsError('ETIMEOUT', 'x', 'A'))).toBe('retry');
    expect(statusOf(new DnsError('EREFUSED', 'x', 'A'))).toBe('fail');
    expect(statusOf(new DnsError('EBADRESP', 'x', 'A'))).toBe('inval');
    expect(statusOf(new Error('boom'))).toBe('retry');
  });
});
