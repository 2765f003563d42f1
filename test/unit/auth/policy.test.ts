// decidePolicy as a table: verdict shape × config × client → action and reply (MTA-SEMANTICS §2.1).
import { describe, expect, it } from 'vitest';
import { decidePolicy, shouldVerify, type AuthPolicyConfig, type AuthVerdict, type DmarcVerdict, type SpfVerdict } from '../../../engine/auth';

const spf = (result: SpfVerdict['result']): SpfVerdict => ({
  result, identity: 'mailfrom', sender: 'bob@example.org', domain: 'example.org', clientIp: '192.0.2.1', helo: 'h.example',
  lookups: { count: 0, limit: 10, void: 0, voidLimit: 2 }, comment: 'domain of bob@example.org does not designate 192.0.2.1 as permitted sender',
  ...(result === 'temperror' ? { problem: 'DNS ETIMEOUT for example.org TXT' } : {}), records: [],
});
const dmarc = (result: DmarcVerdict['result'], disposition: DmarcVerdict['disposition'] = 'none'): DmarcVerdict => ({
  result, disposition, fromDomain: 'example.org', spf: { result: 'none', aligned: false, mode: 'r', counts: false }, dkim: [], dkimMode: 'r',
  ...(result === 'fail' ? { tags: { p: disposition, pct: 100, adkim: 'r', aspf: 'r' }, policyFound: disposition, policyApplied: disposition } : {}),
});
const verdict = (s: SpfVerdict['result'], d: DmarcVerdict, arcSealer?: string): AuthVerdict => ({
  spf: spf(s), dkim: [], dmarc: d, dnsQueries: [], ms: 0,
  arc: arcSealer
    ? { result: 'pass', sets: [{ i: 1, seal: { d: arcSealer, s: 'a', a: 'rsa-sha256', cv: 'none' }, messageSignature: { d: arcSealer, s: 'a', a: 'rsa-sha256', h: [] }, authResults: { authservId: 'mx.list', text: '' } }], sealable: true }
    : { result: 'none', sets: [], sealable: true },
  headers: { authenticationResults: '', receivedSpf: '', authResPayload: '' },
});
const cfg = (o: Partial<AuthPolicyConfig> = {}): AuthPolicyConfig => ({ dmarc: 'enforce', spf_fail: 'accept', temperror: 'defer', ...o });
const pub = { authenticated: false, net: 'public' as const };

describe('decidePolicy', () => {
  const rows: [string, AuthVerdict, AuthPolicyConfig, { action: string; code?: number; status?: string; text?: string }][] = [
    ['all pass', verdict('pass', dmarc('pass')), cfg(), { action: 'accept' }],
    ['DMARC reject', verdict('fail', dmarc('fail', 'reject')), cfg(), { action: 'reject', code: 550, status: '5.7.1', text: 'rejected by DMARC policy for example.org' }],
    ['DMARC reject, report mode', verdict('fail', dmarc('fail', 'reject')), cfg({ dmarc: 'report' }), { action: 'accept' }],
    ['DMARC quarantine → hold', verdict('pass', dmarc('fail', 'quarantine')), cfg(), { action: 'hold', text: 'quarantined by DMARC policy for example.org' }],
    ['DMARC quarantine, report mode', verdict('pass', dmarc('fail', 'quarantine')), cfg({ dmarc: 'report' }), { action: 'accept' }],
    ['DMARC fail p=none', verdict('pass', dmarc('fail', 'none')), cfg(), { action: 'accept' }],
    ['SPF fail, spf_fail=accept', verdict('fail', dmarc('pass')), cfg(), { action: 'accept' }],
    ['SPF fail, spf_fail=reject', verdict('fail', dmarc('pass')), cfg({ spf_fail: 'reject' }), { action: 'reject', code: 550, status: '5.7.23' }],
    ['SPF softfail is never rejected', verdict('softfail', dmarc('none')), cfg({ spf_fail: 'reject' }), { action: 'accept' }],
    ['SPF permerror is not rejected (fail-open)', verdict('permerror', dmarc('none')), cfg({ spf_fail: 'reject' }), { action: 'accept' }],
    ['DMARC temperror → 451', verdict('pass', dmarc('temperror')), cfg(), { action: 'defer', code: 451, status: '4.7.1' }],
    ['DMARC temperror, temperror=accept', verdict('pass', dmarc('temperror')), cfg({ temperror: 'accept' }), { action: 'accept' }],
    ['DMARC temperror, report mode', verdict('pass', dmarc('temperror')), cfg({ dmarc: 'report' }), { action: 'accept' }],
    ['SPF temperror with spf_fail=reject → 451 4.7.24', verdict('temperror', dmarc('none')), cfg({ spf_fail: 'reject' }), { action: 'defer', code: 451, status: '4.7.24' }],
    ['SPF temperror with spf_fail=accept', verdict('temperror', dmarc('none')), cfg(), { action: 'accept' }],
    ['reject beats temperror', verdict('temperror', dmarc('fail', 'reject')), cfg({ spf_fail: 'reject' }), { action: 'reject', status: '5.7.1' }],
    ['SPF fail reject beats quarantine', verdict('fail', dmarc('fail', 'quarantine')), cfg({ spf_fail: 'reject' }), { action: 'reject', status: '5.7.23' }],
    ['trusted ARC overrides DMARC reject', verdict('pass', dmarc('fail', 'reject'), 'lists.example.net'), cfg({ trusted_arc_sealers: ['Lists.Example.NET.'] }), { action: 'accept' }],
    ['untrusted ARC does not', verdict('pass', dmarc('fail', 'reject'), 'lists.example.net'), cfg({ trusted_arc_sealers: ['other.example'] }), { action: 'reject' }],
  ];
  for (const [name, v, c, want] of rows) {
    it(name, () => {
      const d = decidePolicy(v, c, pub);
      expect(d).toMatchObject(want);
      expect(d.reason.length).toBeGreaterThan(0);
      if (d.code) expect(String(d.code)[0]).toBe(d.status?.[0]);
    });
  }

  it('authenticated, local and vpn clients are not verified', () => {
    const v = verdict('fail', dmarc('fail', 'reject'));
    expect(decidePolicy(v, cfg(), { authenticated: true, net: 'public' })).toMatchObject({ action: 'accept', reason: 'authenticated client: not verified' });
    expect(decidePolicy(v, cfg(), { authenticated: false, net: 'local' })).toMatchObject({ action: 'accept', reason: 'local client: not verified' });
    expect(decidePolicy(v, cfg(), { authenticated: false, net: 'vpn' })).toMatchObject({ action: 'accept' });
    expect(shouldVerify(pub)).toBe(true);
    expect(shouldVerify({ authenticated: false, net: 'local' })).toBe(false);
  });
});
