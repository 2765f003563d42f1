import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/warn_if_reject';
import { createPolicy } from '../../../../engine/policy/runner';
import { policySchema } from '../../../../engine/config/schema';
import { policyContext } from '../../../helpers/policy-context';

const rcpt = (to: string) => policyContext({ stage: 'rcpt', helo: 'h.example', sender: 's@x.example', recipient: to });

describe('warn_if_reject', () => {
  it('turns the next reject into a noted warning', async () => {
    const p = createPolicy(policySchema.parse({ relay: ['reject_unauth_destination'], recipient: ['warn_if_reject', 'reject', 'permit'] }));
    const out = await p.evaluate('rcpt', rcpt('a@relaylab.test'));
    expect(out.verdict).toEqual({ kind: 'accept' });
    const warned = out.steps.find((s) => s.check === 'reject');
    expect(warned?.verdict).toEqual({ kind: 'next' });
    expect(warned?.detail).toBe('reject_warning: 554 5.7.1 <a@relaylab.test>: Recipient address rejected: Access denied');
  });

  it('covers only the next restriction', async () => {
    const p = createPolicy(policySchema.parse({ relay: ['reject_unauth_destination'], recipient: ['warn_if_reject', 'permit_mynetworks', 'reject'] }));
    const out = await p.evaluate('rcpt', rcpt('a@relaylab.test'));
    expect(out.verdict).toMatchObject({ kind: 'reject', code: 554 });
  });

  it('covers a whole restriction class', async () => {
    const p = createPolicy(policySchema.parse({
      relay: ['reject_unauth_destination'], recipient: ['warn_if_reject', 'strict', 'defer'],
      restriction_classes: { strict: ['reject_non_fqdn_helo_hostname', 'reject'] },
    }));
    const out = await p.evaluate('rcpt', policyContext({ helo: 'localhost', sender: 's@x.example', recipient: 'a@relaylab.test' }));
    expect(out.verdict).toMatchObject({ kind: 'defer', code: 450, status: '4.3.2' });
    expect(out.steps.filter((s) => s.detail?.includes('reject_warning:')).map((s) => s.check)).toEqual(['reject_non_fqdn_helo_hostname', 'reject']);
  });

  it('passes on when called outside the runner', async () => {
    expect(await check.run(policyContext(), [])).toEqual({ kind: 'next' });
  });
});
