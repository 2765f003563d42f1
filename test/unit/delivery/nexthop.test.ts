import { describe, expect, it } from 'vitest';
import { createZoneResolver } from '../../../engine/dns/zone';
import { mxTargets, parseNexthop, resolveNextHop, validateTransportMap, type RoutingConfig, type SmtpHop } from '../../../engine/delivery/nexthop';
import type { NextHop } from '../../../engine/delivery/types';

describe('parseNexthop', () => {
  const good: [string, ReturnType<typeof parseNexthop>][] = [
    ['[mail.example.net]:587', { host: 'mail.example.net', port: 587, noMx: true }],
    ['[mail.example.net]', { host: 'mail.example.net', port: 25, noMx: true }],
    ['Mail.Example.NET:2525', { host: 'mail.example.net', port: 2525, noMx: false }],
    ['example.net', { host: 'example.net', port: 25, noMx: false }],
    ['[127.0.0.10]:2525', { host: '127.0.0.10', port: 2525, noMx: true }],
    ['127.0.0.10:2525', { host: '127.0.0.10', port: 2525, noMx: false }],
    ['[2001:db8::1]:587', { host: '2001:db8::1', port: 587, noMx: true }],
    ['[ipv6:2001:db8::1]', { host: '2001:db8::1', port: 25, noMx: true }],
    ['[::1]:2525', { host: '::1', port: 2525, noMx: true }],
  ];
  for (const [s, want] of good) it(`parses ${s}`, () => expect(parseNexthop(s)).toEqual(want));

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['[host:25', /missing "]"/],
    ['[host]x', /":port"/],
    ['host:0', /port/],
    ['host:65536', /port/],
    ['host:abc', /port/],
    ['2001:db8::1', /brackets/],
    ['bad host', /not a host name/],
    ['[]:25', /no host/],
    ['-x-.example:25', /not a host name/],
  ];
  for (const [s, re] of bad) it(`rejects ${JSON.stringify(s)}`, () => expect(() => parseNexthop(s)).toThrow(re));
});

describe('resolveNextHop', () => {
  const cfg: RoutingConfig = {
    domains: ['relaylab.test', 'Local.Example'],
    transport: {
      'special.example': 'smtp:[10.0.0.1]:2525',
      'example.com': 'smtp:relay.example.com:587',
      '.deep.example.org': 'relay:[deep-relay.example.org]',
      'sub.example.com': 'local:',
      'mx.example': 'smtp:',
      'bare.example': ':[bare-relay.example]:26',
    },
    relayhost: '',
  };
  const table: [string, Partial<RoutingConfig>, NextHop][] = [
    ['special.example', {}, { kind: 'smtp', host: '10.0.0.1', port: 2525, noMx: true, via: 'transport' }],
    ['SPECIAL.example.', {}, { kind: 'smtp', host: '10.0.0.1', port: 2525, noMx: true, via: 'transport' }],
    ['example.com', {}, { kind: 'smtp', host: 'relay.example.com', port: 587, noMx: false, via: 'transport' }],
    // parent_domain_matches_subdomains: key example.com also covers its subdomains
    ['a.b.example.com', {}, { kind: 'smtp', host: 'relay.example.com', port: 587, noMx: false, via: 'transport' }],
    // the most specific key wins
    ['sub.example.com', {}, { kind: 'local', domain: 'sub.example.com', localPart: '' }],
    ['x.sub.example.com', {}, { kind: 'local', domain: 'x.sub.example.com', localPart: '' }],
    // ".domain" matches subdomains only
    ['a.deep.example.org', {}, { kind: 'smtp', host: 'deep-relay.example.org', port: 25, noMx: true, via: 'transport' }],
    ['deep.example.org', {}, { kind: 'smtp', host: 'deep.example.org', port: 25, noMx: false, via: 'mx' }],
    // empty next hop: the recipient domain, by MX
    ['mx.example', {}, { kind: 'smtp', host: 'mx.example', port: 25, noMx: false, via: 'transport' }],
    ['bare.example', {}, { kind: 'smtp', host: 'bare-relay.example', port: 26, noMx: true, via: 'transport' }],
    // local domains, case-insensitively
    ['relaylab.test', {}, { kind: 'local', domain: 'relaylab.test', localPart: '' }],
    ['local.example', {}, { kind: 'local', domain: 'local.example', localPart: '' }],
    // a subdomain of a local domain is not local
    ['x.relaylab.test', {}, { kind: 'smtp', host: 'x.relaylab.test', port: 25, noMx: false, via: 'mx' }],
    // relayhost
    ['elsewhere.example', { relayhost: '[smtp.isp.example]:587' }, { kind: 'smtp', host: 'smtp.isp.example', port: 587, noMx: true, via: 'relayhost' }],
    ['elsewhere.example', { relayhost: 'isp.example' }, { kind: 'smtp', host: 'isp.example', port: 25, noMx: false, via: 'relayhost' }],
    // transport beats relayhost, local beats relayhost
    ['example.com', { relayhost: '[smtp.isp.example]' }, { kind: 'smtp', host: 'relay.example.com', port: 587, noMx: false, via: 'transport' }],
    ['relaylab.test', { relayhost: '[smtp.isp.example]' }, { kind: 'local', domain: 'relaylab.test', localPart: '' }],
    // default: MX of the domain
    ['gmail.example', {}, { kind: 'smtp', host: 'gmail.example', port: 25, noMx: false, via: 'mx' }],
    // "*" catches the rest
    ['any.example', { transport: { '*': 'smtp:[smarthost.example]' } }, { kind: 'smtp', host: 'smarthost.example', port: 25, noMx: true, via: 'transport' }],
  ];
  for (const [domain, over, want] of table) {
    it(`${domain} ${JSON.stringify(over)}`, () => expect(resolveNextHop(domain, { ...cfg, ...over })).toEqual(want));
  }

  it('fills localPart for local delivery when given', () => {
    expect(resolveNextHop('relaylab.test', cfg, 'bob')).toEqual({ kind: 'local', domain: 'relaylab.test', localPart: 'bob' });
  });

  const badMaps: [Record<string, string>, RegExp][] = [
    [{ 'x.example': 'smtp' }, /transport "x\.example".*transport:nexthop/],
    [{ 'x.example': 'smtp:[host' }, /transport "x\.example".*missing "]"/],
    [{ 'x.example': 'smtp:host:99999' }, /transport "x\.example".*port/],
    [{ 'y.example': 'error:no mail' }, /transport "y\.example".*unsupported transport "error"/],
    [{ 'z.example': 'local:somehost' }, /transport "z\.example".*local: takes no next hop/],
  ];
  for (const [map, re] of badMaps) {
    it(`bad transport ${JSON.stringify(map)} throws naming the key`, () => {
      expect(() => validateTransportMap(map)).toThrow(re);
      const domain = Object.keys(map)[0]!;
      expect(() => resolveNextHop(domain, { ...cfg, transport: map })).toThrow(re);
    });
  }
  it('a bad relayhost throws', () => {
    expect(() => resolveNextHop('x.example', { ...cfg, relayhost: '[oops' })).toThrow(/relayhost/);
  });
  it('a valid map validates', () => expect(() => validateTransportMap(cfg.transport)).not.toThrow());
});

describe('mxTargets', () => {
  const zone = createZoneResolver({
    'multi.test': { MX: [[20, 'mx2.multi.test'], [10, 'mx1.multi.test'], [10, 'mx1b.multi.test'], [30, 'nohost.multi.test']] },
    'mx1.multi.test': { A: ['127.0.0.11'], AAAA: ['::1'] },
    'mx1b.multi.test': { A: ['127.0.0.12'] },
    'mx2.multi.test': { A: ['127.0.0.13', '127.0.0.14'] },
    'implicit.test': { A: ['127.0.0.20'], TXT: ['v=spf1 -all'] },
    'nullmx.test': { MX: [[0, '.']] },
    'noaddr.test': { TXT: ['x'] },
    'tempfail.test': { SERVFAIL: true },
    'slow.test': { TIMEOUT: true },
    'mxtemp.test': { MX: [[10, 'tempfail.test']] },
    'mxgone.test': { MX: [[10, 'missing.test']] },
    'relay.test': { A: ['127.0.0.30'], AAAA: ['::1'] },
    'many.test': { MX: [[10, 'a.many.test'], [20, 'b.many.test']] },
    'a.many.test': { A: ['127.0.1.1', '127.0.1.2', '127.0.1.3', '127.0.1.4'] },
    'b.many.test': { A: ['127.0.2.1', '127.0.2.2', '127.0.2.3'] },
  });
  const mxHop = (host: string): SmtpHop => ({ kind: 'smtp', host, port: 25, noMx: false, via: 'mx' });
  const stable = { shuffle: false };

  it('sorts by priority and resolves each exchange to A then AAAA', async () => {
    const r = await mxTargets(mxHop('multi.test'), 'multi.test', zone, stable);
    expect(r).toEqual({
      targets: [
        { host: 'mx1.multi.test', ip: '127.0.0.11', priority: 10 },
        { host: 'mx1.multi.test', ip: '::1', priority: 10 },
        { host: 'mx1b.multi.test', ip: '127.0.0.12', priority: 10 },
        { host: 'mx2.multi.test', ip: '127.0.0.13', priority: 20 },
        { host: 'mx2.multi.test', ip: '127.0.0.14', priority: 20 },
      ],
    });
  });

  it('shuffles only within equal priority, deterministically with a given random', async () => {
    const r = await mxTargets(mxHop('multi.test'), 'multi.test', zone, { random: () => 0 });
    expect('targets' in r && r.targets.map((t) => t.host)).toEqual(['mx1b.multi.test', 'mx1.multi.test', 'mx1.multi.test', 'mx2.multi.test', 'mx2.multi.test']);
  });

  it('limits to 5 addresses by default, and to the given limit', async () => {
    const r = await mxTargets(mxHop('many.test'), 'many.test', zone, stable);
    expect('targets' in r && r.targets.map((t) => t.ip)).toEqual(['127.0.1.1', '127.0.1.2', '127.0.1.3', '127.0.1.4', '127.0.2.1']);
    const r2 = await mxTargets(mxHop('many.test'), 'many.test', zone, { ...stable, limit: 2 });
    expect('targets' in r2 && r2.targets).toHaveLength(2);
  });

  it('no MX: the domain is its own implicit MX (RFC 5321 §5.1)', async () => {
    expect(await mxTargets(mxHop('implicit.test'), 'implicit.test', zone)).toEqual({ targets: [{ host: 'implicit.test', ip: '127.0.0.20', priority: 0 }] });
  });

  const dsnCases: [string, string, string, RegExp][] = [
    ['nullmx.test', 'failed', '5.1.10', /Domain nullmx\.test does not accept mail \(nullMX\)/],
    ['nx.test', 'failed', '5.1.2', /Host or domain name not found/],
    ['noaddr.test', 'failed', '5.1.2', /Host or domain name not found/],
    ['tempfail.test', 'delayed', '4.4.3', /ESERVFAIL/],
    ['slow.test', 'delayed', '4.4.3', /timeout/],
    ['mxtemp.test', 'delayed', '4.4.3', /name=tempfail\.test/],
    ['mxgone.test', 'failed', '5.1.2', /name=missing\.test/],
  ];
  for (const [domain, action, status, re] of dsnCases) {
    it(`${domain} → ${action} ${status}`, async () => {
      const r = await mxTargets(mxHop(domain), domain, zone);
      expect('dsn' in r).toBe(true);
      if (!('dsn' in r)) return;
      expect(r.dsn).toMatchObject({ action, status });
      expect(r.dsn.reason).toMatch(re);
    });
  }

  it('a [host] hop skips MX and resolves the host', async () => {
    const hop: SmtpHop = { kind: 'smtp', host: 'relay.test', port: 587, noMx: true, via: 'relayhost' };
    expect(await mxTargets(hop, 'dest.example', zone)).toEqual({
      targets: [
        { host: 'relay.test', ip: '127.0.0.30', priority: 0 },
        { host: 'relay.test', ip: '::1', priority: 0 },
      ],
    });
  });

  it('an IP literal needs no lookup at all', async () => {
    const queries: string[] = [];
    const off = zone.onQuery((q) => queries.push(`${q.name}/${q.type}`));
    const hop: SmtpHop = { kind: 'smtp', host: '127.0.0.99', port: 2525, noMx: true, via: 'transport' };
    expect(await mxTargets(hop, 'dest.example', zone)).toEqual({ targets: [{ host: '127.0.0.99', ip: '127.0.0.99', priority: 0 }] });
    off();
    expect(queries).toEqual([]);
  });

  it('a resolver that throws plain errors is handled too', async () => {
    const resolver = {
      resolve: async () => {
        throw Object.assign(new Error('boom'), { code: 'ECONNREFUSED' });
      },
      reverse: async () => [],
      onQuery: () => () => undefined,
    };
    const r = await mxTargets(mxHop('x.test'), 'x.test', resolver);
    expect(r).toMatchObject({ dsn: { action: 'delayed', status: '4.4.3' } });
  });
});
