import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/permit_sasl_authenticated';
import { policyContext } from '../../../helpers/policy-context';

describe('permit_sasl_authenticated', () => {
  it('accepts an authenticated client', async () => {
    const ctx = policyContext({ saslUser: 'alice' });
    expect(await check.run(ctx, [])).toEqual({ kind: 'accept' });
    expect(ctx.notes).toEqual(['authenticated as alice']);
  });

  it('passes an anonymous client on', async () => {
    expect(await check.run(policyContext(), [])).toEqual({ kind: 'next' });
    expect(await check.run(policyContext({ saslUser: '' }), [])).toEqual({ kind: 'next' });
  });

  it('cannot be used before MAIL (AUTH needs EHLO first)', () => {
    expect(check.stage).toBe('mail');
  });
});
