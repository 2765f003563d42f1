import { describe, expect, it } from 'vitest';
import { checkSpf, createDnsRecorder, formatReceivedSpf } from '../../../engine/auth';
import { asMailauthResolver, type Resolver } from '../../../engine/dns/resolver.port';
import { zone } from './helpers';

const lab = zone({
  'example.org': { TXT: ['v=spf1 ip4:192.0.2.0/24 include:_spf.mail.example.net mx -all', 'google-site-verification=xyz'], MX: [[10, 'mx.example.org']] },
  'mx.example.org': { A: ['198.51.100.25'] },
  '_spf.mail.example.net': { TXT: ['v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 ~all'] },
  'soft.example': { TXT: ['v=spf1 ~all'] },
  'neutral.example': { TXT: ['v=spf1 ip4:192.0.2.1'] },
  'none.example': { A: ['192.0.2.1'] },
  'two.example': { TXT: ['v=spf1 -all', 'v=spf1 +all'] },
  'broken.example': { TXT: ['v=spf1 ip4:192.0.2.1 foo:bar -all'] },
  'slow.example': { TIMEOUT: true },
  'deadinclude.example': { TXT: ['v=spf1 include:slow.example -all'] },
  'voids.example': { TXT: ['v=spf1 a:nx1.example a:nx2.example a:nx3.example -all'] },
  'many.example': { TXT: [`v=spf1 ${Array.from({ length: 11 }, (_, i) => `a:h${i}.many.example`).join(' ')} -all`] },
  ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`h${i}.many.example`, { A: ['192.0.2.250'] }])),
  'helo.example.org': { TXT: ['v=spf1 a -all'], A: ['192.0.2.77'] },
  'redir.example': { TXT: ['v=spf1 redirect=example.org'] },
});
const r = asMailauthResolver(lab);
const base = { helo: 'mail.example.org', hostname: 'mx.example.com' };

describe('checkSpf: results and the reasoning kept', () => {
  it('pass: keeps the matching term, the records evaluated and the lookup count', async () => {
    const v = await checkSpf({ ...base, ip: '192.0.2.10', sender: 'bob@example.org' }, r);
    expect(v).toMatchObject({ result: 'pass', identity: 'mailfrom', domain: 'example.org', mechanism: 'ip4:192.0.2.0/24', clientIp: '192.0.2.10' });
    expect(v.records).toEqual([{ domain: 'example.org', record: 'v=spf1 ip4:192.0.2.0/24 include:_spf.mail.example.net mx -all' }]);
    expect(v.lookups).toEqual({ count: 0, limit: 10, void: 0, voidLimit: 2 });
    expect(v.comment).toBe('domain of bob@example.org designates 192.0.2.10 as permitted sender');
  });

  it('pass through an include: the chain of terms, both records, one lookup', async () => {
    const v = await checkSpf({ ...base, ip: '203.0.113.9', sender: 'bob@example.org' }, r);
    expect(v).toMatchObject({ result: 'pass', mechanism: 'include:_spf.mail.example.net > ip4:203.0.113.0/24' });
    expect(v.records.map((x) => x.domain)).toEqual(['example.org', '_spf.mail.example.net']);
    expect(v.lookups.count).toBe(1);
  });

  it('pass through mx; fail on -all after evaluating every term', async () => {
    expect(await checkSpf({ ...base, ip: '198.51.100.25', sender: 'bob@example.org' }, r)).toMatchObject({ result: 'pass', mechanism: 'mx' });
    const f = await checkSpf({ ...base, ip: '198.51.100.99', sender: 'bob@example.org' }, r);
    expect(f).toMatchObject({ result: 'fail', mechanism: '-all', lookups: { count: 2 } });
    expect(f.comment).toBe('domain of bob@example.org does not designate 198.51.100.99 as permitted sender');
  });

  it('IPv6 clients match ip6 terms; IPv4-mapped addresses count as IPv4', async () => {
    expect(await checkSpf({ ...base, ip: '2001:db8::5', sender: 'bob@example.org' }, r)).toMatchObject({ result: 'pass', mechanism: 'include:_spf.mail.example.net > ip6:2001:db8::/32' });
    expect(await checkSpf({ ...base, ip: '::ffff:192.0.2.10', sender: 'bob@example.org' }, r)).toMatchObject({ result: 'pass', clientIp: '192.0.2.10' });
  });

  it('softfail, neutral (default), none, redirect', async () => {
    expect(await checkSpf({ ...base, ip: '192.0.2.9', sender: 'a@soft.example' }, r)).toMatchObject({ result: 'softfail', mechanism: '~all' });
    expect(await checkSpf({ ...base, ip: '192.0.2.9', sender: 'a@neutral.example' }, r)).toMatchObject({ result: 'neutral' });
    expect(await checkSpf({ ...base, ip: '192.0.2.9', sender: 'a@none.example' }, r)).toMatchObject({ result: 'none' });
    expect(await checkSpf({ ...base, ip: '192.0.2.9', sender: 'a@nxdomain.example' }, r)).toMatchObject({ result: 'none' });
    const red = await checkSpf({ ...base, ip: '192.0.2.9', sender: 'a@redir.example' }, r);
    expect(red).toMatchObject({ result: 'pass', mechanism: 'ip4:192.0.2.0/24', lookups: { count: 1 } });
  });

  it('the null sender is checked as postmaster@<helo> (identity helo)', async () => {
    const v = await checkSpf({ ...base, helo: 'helo.example.org', ip: '192.0.2.77', sender: '' }, r);
    expect(v).toMatchObject({ result: 'pass', identity: 'helo', sender: 'postmaster@helo.example.org', domain: 'helo.example.org', mechanism: 'a' });
    const lit = await checkSpf({ ...base, helo: '192.0.2.77', ip: '192.0.2.77', sender: '' }, r);
    expect(lit).toMatchObject({ result: 'none', identity: 'helo' });
  });

  it('the HELO identity can be checked on its own (RFC 7208 §2.3)', async () => {
    const v = await checkSpf({ ...base, helo: 'helo.example.org', ip: '192.0.2.9', sender: 'bob@example.org', identity: 'helo' }, r);
    expect(v).toMatchObject({ result: 'fail', identity: 'helo', domain: 'helo.example.org' });
  });
});

describe('checkSpf: errors are RFC results, never exceptions', () => {
  it('two SPF records: permerror', async () => {
    expect(await checkSpf({ ...base, ip: '192.0.2.1', sender: 'a@two.example' }, r)).toMatchObject({ result: 'permerror', problem: expect.stringMatching(/multiple/) });
  });

  it('a syntax error after the matching term: still permerror (RFC 7208 §4.6)', async () => {
    const v = await checkSpf({ ...base, ip: '192.0.2.1', sender: 'a@broken.example' }, r);
    expect(v).toMatchObject({ result: 'permerror', problem: expect.stringMatching(/syntax error.*foo/) });
  });

  it('DNS timeout on the record, or inside an include: temperror', async () => {
    expect(await checkSpf({ ...base, ip: '192.0.2.1', sender: 'a@slow.example' }, r)).toMatchObject({ result: 'temperror', problem: expect.stringMatching(/ETIMEOUT/) });
    expect(await checkSpf({ ...base, ip: '192.0.2.1', sender: 'a@deadinclude.example' }, r)).toMatchObject({ result: 'temperror' });
  });

  it('three void lookups: permerror; eleven lookups: permerror', async () => {
    expect(await checkSpf({ ...base, ip: '192.0.2.1', sender: 'a@voids.example' }, r)).toMatchObject({ result: 'permerror', problem: expect.stringMatching(/void/), lookups: { void: 3 } });
    expect(await checkSpf({ ...base, ip: '192.0.2.1', sender: 'a@many.example' }, r)).toMatchObject({ result: 'permerror', problem: expect.stringMatching(/more than 10/), lookups: { count: 11 } });
  });

  it('malformed sender domains and client addresses: none', async () => {
    for (const sender of ['a@b', 'a@[192.0.2.1]', 'a@x..example', `a@${'l'.repeat(64)}.example`]) {
      expect((await checkSpf({ ...base, ip: '192.0.2.1', sender }, r)).result).toBe('none');
    }
    expect(await checkSpf({ ...base, ip: 'not-an-ip', sender: 'bob@example.org' }, r)).toMatchObject({ result: 'none', problem: expect.stringMatching(/client IP/) });
  });

  it('garbage answers, a throwing or a hanging resolver: temperror', async () => {
    const weird = (impl: Resolver['resolve']): Resolver => ({ resolve: impl, reverse: async () => [], onQuery: () => () => {} });
    const garbage = weird(async () => [42] as never);
    const throwing = weird(async () => { throw new TypeError('boom'); });
    const hanging = weird(() => new Promise(() => {}));
    for (const res of [garbage, throwing]) {
      const rec = createDnsRecorder(res);
      expect((await checkSpf({ ...base, ip: '192.0.2.1', sender: 'bob@example.org' }, rec.forPhase('spf'))).result).toBe('temperror');
    }
    const rec = createDnsRecorder(hanging, { queryTimeoutMs: 20 });
    const v = await checkSpf({ ...base, ip: '192.0.2.1', sender: 'bob@example.org' }, rec.forPhase('spf'));
    expect(v.result).toBe('temperror');
    expect(rec.queries[0]).toMatchObject({ phase: 'spf', name: 'example.org', type: 'TXT', error: 'ETIMEOUT' });
  });
});

describe('Received-SPF (RFC 7208 §9.1)', () => {
  it('has the result, the comment and the keys MTA-SEMANTICS §4.3 lists', async () => {
    const v = await checkSpf({ ...base, ip: '192.0.2.10', sender: 'bob@example.org' }, r);
    expect(formatReceivedSpf(v, 'mx.example.com')).toBe([
      'Received-SPF: pass (mx.example.com: domain of bob@example.org designates 192.0.2.10 as permitted sender)',
      '\treceiver=mx.example.com; client-ip=192.0.2.10;',
      '\tenvelope-from="bob@example.org"; helo=mail.example.org;',
      '\tidentity=mailfrom; mechanism="ip4:192.0.2.0/24";',
    ].join('\r\n'));
  });

  it('quotes what is not a dot-atom and names the problem', async () => {
    const v = await checkSpf({ helo: '[2001:db8::1]', hostname: 'mx.example.com', ip: '2001:db8::1', sender: 'a@two.example' }, r);
    const h = formatReceivedSpf(v, 'mx.example.com');
    expect(h).toMatch(/^Received-SPF: permerror \(mx\.example\.com: permanent error/);
    expect(h).toContain('client-ip="2001:db8::1";');
    expect(h).toContain('helo="[2001:db8::1]";');
    expect(h).toMatch(/problem="multiple SPF records found for two\.example";/);
    expect(h.split('\r\n').every((l) => l.length < 998)).toBe(true);
  });
});
