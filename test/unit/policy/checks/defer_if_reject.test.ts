import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/defer_if_reject';
import { createPolicy } from '../../../../engine/policy/runner';
import { policySchema } from '../../../../engine/config/schema';
import { policyContext } from '../../../helpers/policy-context';

const policy = (recipient: string[]) => createPolicy(policySchema.parse({ relay: [], recipient }));
const rcpt = (to: string) => policyContext({ stage: 'rcpt', helo: 'h.example', sender: 's@x.example', recipient: to });

describe('defer_if_reject', () => {
  it('turns a later 5xx into 450 4.7.0', async () => {
    const out = await policy(['defer_if_reject', 'reject_unauth_destination']).evaluate('rcpt', rcpt('a@elsewhere.example'));
    expect(out.verdict).toEqual({ kind: 'defer', code: 450, status: '4.7.0', text: '<a@elsewhere.example>: Recipient address rejected: defer_if_reject requested' });
    expect(out.steps.at(-1)?.detail).toContain('554 5.7.1 <a@elsewhere.example>: Relay access denied becomes 450 4.7.0');
  });

  it('leaves a PERMIT alone', async () => {
    const out = await policy(['defer_if_reject', 'reject_unauth_destination']).evaluate('rcpt', rcpt('a@relaylab.test'));
    expect(out.verdict).toEqual({ kind: 'accept' });
  });

  it('does not touch a 4xx', async () => {
    const out = await policy(['defer_if_reject', 'defer']).evaluate('rcpt', rcpt('a@relaylab.test'));
    expect(out.verdict).toMatchObject({ code: 450, status: '4.3.2' });
  });

  it('passes on when called outside the runner', async () => {
    expect(await check.run(policyContext(), [])).toEqual({ kind: 'next' });
  });
});
