import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_unknown_helo_hostname';
import { createZoneResolver } from '../../../../engine/dns/zone';
import { createPolicy } from '../../../../engine/policy/runner';
import { policySchema } from '../../../../engine/config/schema';
import { policyContext } from '../../../helpers/policy-context';

const resolver = createZoneResolver({
  'mail.example': { A: ['192.0.2.1'] }, 'mx-only.example': { MX: [[10, 'mail.example']] }, 'null.example': { MX: [[0, '.']] }, 'down.example': { SERVFAIL: true },
});
const run = (helo?: string) => check.run(policyContext({ helo, list: 'helo', resolver }), []);

describe('reject_unknown_helo_hostname', () => {
  it.each(['mail.example', 'mail.example.', 'mx-only.example', 'null.example'])('passes %s (A/AAAA or MX; a null MX will do)', async (h) => {
    expect(await run(h)).toEqual({ kind: 'next' });
  });

  it('450 4.7.1 Host not found, numeric names included', async () => {
    expect(await run('nx.example')).toEqual({ kind: 'defer', code: 450, status: '4.7.1', text: '<nx.example>: Helo command rejected: Host not found' });
    expect(await run('192.0.2.1')).toEqual({ kind: 'defer', code: 450, status: '4.7.1', text: '<192.0.2.1>: Helo command rejected: Host not found' });
  });

  it('an address literal must be valid, and is not looked up', async () => {
    expect(await run('[192.0.2.1]')).toEqual({ kind: 'next' });
    expect(await run('[192.0.2.300]')).toEqual({ kind: 'reject', code: 501, status: '5.5.2', text: '<[192.0.2.300]>: Helo command rejected: invalid ip address' });
  });

  it('a DNS failure is defer_if_permit', async () => {
    const p = createPolicy(policySchema.parse({ helo: ['reject_unknown_helo_hostname'] }));
    const out = await p.evaluate('rcpt', policyContext({ helo: 'down.example', sender: 'a@b.example', recipient: 'x@relaylab.test', resolver }));
    expect(out.verdict).toEqual({ kind: 'defer', code: 450, status: '4.7.1', text: '<down.example>: Helo command rejected: Host not found' });
  });

  it('does nothing before HELO', async () => {
    expect(await run(undefined)).toEqual({ kind: 'next' });
  });
});
