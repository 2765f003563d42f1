import { describe, expect, it } from 'vitest';
import defer from '../../../../engine/policy/checks/defer';
import { policyContext } from '../../../helpers/policy-context';

describe('defer', () => {
  it('defers with 450 4.3.2 naming the list\'s subject', async () => {
    const ctx = policyContext({ list: 'client', client: { name: 'unknown', ip: '198.51.100.7' } });
    expect(await defer.run(ctx, [])).toEqual({
      kind: 'defer', code: 450, status: '4.3.2', text: '<unknown[198.51.100.7]>: Client host rejected: Try again later',
    });
  });

  it('names the recipient in the recipient list', async () => {
    const ctx = policyContext({ list: 'recipient', recipient: 'Bob@Relaylab.Test' });
    expect(await defer.run(ctx, [])).toMatchObject({ text: '<Bob@Relaylab.Test>: Recipient address rejected: Try again later' });
  });
});
