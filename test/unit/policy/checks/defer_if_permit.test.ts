import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/defer_if_permit';
import { createPolicy } from '../../../../engine/policy/runner';
import { policySchema } from '../../../../engine/config/schema';
import { policyContext } from '../../../helpers/policy-context';

const policy = (recipient: string[]) => createPolicy(policySchema.parse({ relay: [], recipient }));
const rcpt = (to: string) => policyContext({ stage: 'rcpt', helo: 'h.example', sender: 's@x.example', recipient: to });

describe('defer_if_permit', () => {
  it('turns the eventual PERMIT into 450 4.7.0', async () => {
    const out = await policy(['defer_if_permit', 'permit']).evaluate('rcpt', rcpt('a@relaylab.test'));
    expect(out.verdict).toEqual({ kind: 'defer', code: 450, status: '4.7.0', text: '<a@relaylab.test>: Recipient address rejected: defer_if_permit requested' });
    expect(out.decidedBy).toBe('defer_if_permit');
  });

  it('lets a later REJECT win', async () => {
    const out = await policy(['defer_if_permit', 'reject_unauth_destination']).evaluate('rcpt', rcpt('a@elsewhere.example'));
    expect(out.verdict).toMatchObject({ kind: 'reject', code: 554, text: '<a@elsewhere.example>: Relay access denied' });
  });

  it('records nothing and passes on when called outside the runner', async () => {
    const ctx = policyContext();
    expect(await check.run(ctx, [])).toEqual({ kind: 'next' });
    expect(ctx.notes).toEqual(['no runner state to record this in: ignored']);
  });
});
