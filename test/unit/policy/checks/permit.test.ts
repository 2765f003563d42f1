import { describe, expect, it } from 'vitest';
import permit from '../../../../engine/policy/checks/permit';
import { policyContext } from '../../../helpers/policy-context';

describe('permit', () => {
  it('accepts in any list', async () => {
    for (const list of ['client', 'helo', 'sender', 'recipient', 'data'] as const) {
      expect(await permit.run(policyContext({ list }), [])).toEqual({ kind: 'accept' });
    }
  });
});
