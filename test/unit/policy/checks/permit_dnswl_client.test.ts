import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/permit_dnswl_client';
import { createZoneResolver } from '../../../../engine/dns/zone';
import { createPolicy } from '../../../../engine/policy/runner';
import { policySchema } from '../../../../engine/config/schema';
import { policyContext } from '../../../helpers/policy-context';

const resolver = createZoneResolver({ '1.2.0.192.wl.test': { A: ['127.0.10.1'] }, '2.2.0.192.wl.test': { SERVFAIL: true } });

describe('permit_dnswl_client', () => {
  it('permits a listed client', async () => {
    expect(await check.run(policyContext({ client: { ip: '192.0.2.1' }, stage: 'connect', resolver }), ['wl.test'])).toEqual({ kind: 'accept' });
    expect(await check.run(policyContext({ client: { ip: '192.0.2.9' }, stage: 'connect', resolver }), ['wl.test'])).toEqual({ kind: 'next' });
  });

  it('never permits a recipient we are not the destination for', async () => {
    const ctx = policyContext({ client: { ip: '192.0.2.1' }, stage: 'rcpt', recipient: 'x@elsewhere.example', resolver });
    expect(await check.run(ctx, ['wl.test'])).toEqual({ kind: 'next' });
  });

  it('a DNS failure turns a later reject into 450 4.7.1 (defer_if_reject)', async () => {
    const p = createPolicy(policySchema.parse({ client: ['permit_dnswl_client wl.test', 'reject'] }));
    const out = await p.evaluate('rcpt', policyContext({ client: { ip: '192.0.2.2' }, recipient: 'x@relaylab.test', resolver }));
    expect(out.verdict).toEqual({ kind: 'defer', code: 450, status: '4.7.1', text: '<192.0.2.2>: Client host rejected: Service unavailable' });
  });
});
