import { describe, expect, it } from 'vitest';
import { evaluateDmarc, parseDmarcRecord, type DkimSignatureVerdict, type DmarcInput, type SpfVerdict } from '../../../engine/auth';
import { asMailauthResolver } from '../../../engine/dns/resolver.port';
import type { ZoneRecord } from '../../../engine/config/schema';
import { zone } from './helpers';

const spf = (domain: string, result: SpfVerdict['result'] = 'pass'): SpfVerdict => ({
  result, identity: 'mailfrom', sender: `x@${domain}`, domain, clientIp: '192.0.2.1', helo: 'h.example',
  lookups: { count: 0, limit: 10, void: 0, voidLimit: 2 }, comment: '', records: [],
});
const sig = (d: string, result: DkimSignatureVerdict['result'] = 'pass'): DkimSignatureVerdict => ({
  result, d, s: 's', a: 'rsa-sha256', c: 'relaxed/relaxed', signedHeaders: ['from'], bodyHash: 'pass',
});
const from = (...addresses: string[]) => ({ fields: 1, addresses });

const records: Record<string, ZoneRecord> = {
  '_dmarc.example.org': { TXT: ['v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.org'] },
  '_dmarc.strict.example': { TXT: ['v=DMARC1; p=reject; adkim=s; aspf=s'] },
  '_dmarc.half.example': { TXT: ['v=DMARC1; p=reject; pct=50'] },
  '_dmarc.quar.example': { TXT: ['v=DMARC1; p=quarantine; pct=0'] },
  '_dmarc.two.example': { TXT: ['v=DMARC1; p=reject', 'v=DMARC1; p=none'] },
  '_dmarc.nop.example': { TXT: ['v=DMARC1; rua=mailto:a@nop.example'] },
  '_dmarc.nop2.example': { TXT: ['v=DMARC1; adkim=s'] },
  '_dmarc.bad.example': { TXT: ['v=DMARC1; p=reject; pct=150; adkim=x'] },
  '_dmarc.slow.example': { TIMEOUT: true },
  '_dmarc.co.uk': { TXT: ['v=DMARC1; p=reject'] },
};
const res = asMailauthResolver(zone(records));
const dmarc = (i: Partial<DmarcInput> & Pick<DmarcInput, 'from'>) => evaluateDmarc({ spf: spf('other.example', 'none'), dkim: [], ...i }, res);

describe('DMARC alignment (RFC 7489 §3.1)', () => {
  it('pass on aligned SPF alone, or on an aligned DKIM signature alone', async () => {
    const a = await dmarc({ from: from('bob@example.org'), spf: spf('example.org') });
    expect(a).toMatchObject({ result: 'pass', fromDomain: 'example.org', orgDomain: 'example.org', disposition: 'none', spf: { aligned: true, counts: true } });
    const b = await dmarc({ from: from('bob@example.org'), dkim: [sig('example.org')] });
    expect(b).toMatchObject({ result: 'pass', dkim: [{ d: 'example.org', aligned: true, counts: true }], spf: { aligned: false } });
  });

  it('relaxed: a subdomain aligns with its organizational domain (PSL)', async () => {
    const v = await dmarc({ from: from('bob@news.example.org'), spf: spf('bounces.example.org'), dkim: [sig('mail.example.org')] });
    expect(v).toMatchObject({ result: 'pass', fromDomain: 'news.example.org', orgDomain: 'example.org', recordDomain: '_dmarc.example.org' });
    expect(v.spf.aligned && v.dkim[0]?.aligned).toBe(true);
  });

  it('strict: only the same name aligns', async () => {
    const v = await dmarc({ from: from('bob@strict.example'), spf: spf('mail.strict.example'), dkim: [sig('mail.strict.example')] });
    expect(v).toMatchObject({ result: 'fail', dkimMode: 's', spf: { aligned: false, mode: 's' }, dkim: [{ aligned: false }] });
    expect(await dmarc({ from: from('bob@strict.example'), dkim: [sig('STRICT.example.')] })).toMatchObject({ result: 'pass' });
  });

  it('the public suffix is not an organizational domain: a.co.uk and b.co.uk do not align', async () => {
    const v = await dmarc({ from: from('x@a.co.uk'), dkim: [sig('b.co.uk')] });
    expect(v).toMatchObject({ orgDomain: 'a.co.uk', dkim: [{ aligned: false }] });
  });

  it('a passing signature of another domain, or a failing aligned one, does not count', async () => {
    const v = await dmarc({ from: from('bob@example.org'), dkim: [sig('evil.example'), sig('example.org', 'fail')] });
    expect(v).toMatchObject({ result: 'fail', dkim: [{ aligned: false, counts: false }, { aligned: true, counts: false }] });
  });
});

describe('DMARC policy: p, sp, pct, disposition', () => {
  it('forged From: fail, p=reject applied', async () => {
    const v = await dmarc({ from: from('ceo@example.org'), spf: spf('evil.example') });
    expect(v).toMatchObject({ result: 'fail', policyFound: 'reject', sampled: true, policyApplied: 'reject', disposition: 'reject', tags: { p: 'reject', sp: 'quarantine', pct: 100 } });
  });

  it('sp= applies to a subdomain From when the record came from the organizational domain', async () => {
    const v = await dmarc({ from: from('x@sub.example.org') });
    expect(v).toMatchObject({ result: 'fail', recordDomain: '_dmarc.example.org', policyFound: 'quarantine', disposition: 'quarantine' });
  });

  it('pct=50: inside the sample reject, outside it the next weaker policy (quarantine)', async () => {
    const inside = await evaluateDmarc({ from: from('x@half.example'), spf: spf('o.example', 'none'), dkim: [], random: () => 0.49 }, res);
    expect(inside).toMatchObject({ sampled: true, policyApplied: 'reject', disposition: 'reject' });
    const outside = await evaluateDmarc({ from: from('x@half.example'), spf: spf('o.example', 'none'), dkim: [], random: () => 0.5 }, res);
    expect(outside).toMatchObject({ sampled: false, policyFound: 'reject', policyApplied: 'quarantine', disposition: 'quarantine' });
  });

  it('pct=0 on quarantine: never applied (none)', async () => {
    expect(await dmarc({ from: from('x@quar.example') })).toMatchObject({ result: 'fail', policyApplied: 'none', disposition: 'none' });
  });

  it('pass has disposition none whatever the policy', async () => {
    expect(await dmarc({ from: from('x@half.example'), spf: spf('half.example') })).toMatchObject({ result: 'pass', disposition: 'none', policyFound: 'reject' });
  });
});

describe('DMARC: records and errors', () => {
  it('no record: none; several records: none (no policy, RFC 7489 §6.6.3)', async () => {
    expect(await dmarc({ from: from('x@nodmarc.example') })).toMatchObject({ result: 'none', reason: expect.stringMatching(/no DMARC record/) });
    expect(await dmarc({ from: from('x@two.example') })).toMatchObject({ result: 'none', reason: expect.stringMatching(/2 DMARC records/) });
  });

  it('no valid p=: p=none when rua= is valid, else no policy', async () => {
    expect(await dmarc({ from: from('x@nop.example') })).toMatchObject({ result: 'fail', policyFound: 'none', disposition: 'none' });
    expect(await dmarc({ from: from('x@nop2.example') })).toMatchObject({ result: 'none', reason: expect.stringMatching(/no valid p=/) });
  });

  it('invalid pct= and adkim= fall back to the defaults, with a note', async () => {
    const v = await dmarc({ from: from('x@bad.example') });
    expect(v).toMatchObject({ tags: { pct: 100, adkim: 'r' }, reason: expect.stringMatching(/pct=150.*adkim=x|adkim=x.*pct=150/) });
    expect(parseDmarcRecord('v=DMARC1; p=bogus')).toEqual({ error: expect.stringMatching(/no valid p=/) });
  });

  it('DNS timeout on the record: temperror', async () => {
    expect(await dmarc({ from: from('x@slow.example') })).toMatchObject({ result: 'temperror', reason: expect.stringMatching(/ETIMEOUT/) });
  });

  it('an aligned check that had a temporary error makes the result temperror, not fail', async () => {
    const v = await dmarc({ from: from('x@example.org'), dkim: [sig('example.org', 'temperror')] });
    expect(v.result).toBe('temperror');
    const unaligned = await dmarc({ from: from('x@example.org'), dkim: [sig('other.example', 'temperror')] });
    expect(unaligned.result).toBe('fail');
  });

  it('From: several fields, several domains, none, or not a domain', async () => {
    expect(await dmarc({ from: { fields: 2, addresses: ['a@example.org', 'b@example.org'] } })).toMatchObject({ result: 'permerror', reason: expect.stringMatching(/2 From: header fields/) });
    expect(await dmarc({ from: from('a@example.org', 'b@evil.example') })).toMatchObject({ result: 'permerror', reason: expect.stringMatching(/several domains/) });
    expect(await dmarc({ from: from('a@example.org', 'b@EXAMPLE.org') })).toMatchObject({ result: 'fail' });
    expect(await dmarc({ from: { fields: 0, addresses: [] } })).toMatchObject({ result: 'none' });
    expect(await dmarc({ from: from('a@[192.0.2.1]') })).toMatchObject({ result: 'none', reason: expect.stringMatching(/not a domain name/) });
  });
});
