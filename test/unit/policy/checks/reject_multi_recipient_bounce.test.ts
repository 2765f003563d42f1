import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_multi_recipient_bounce';
import { policyContext } from '../../../helpers/policy-context';
import type { Stage } from '../../../../engine/policy/types';

const run = (sender: string, recipientCount: number, stage: Stage, list: 'data' | 'recipient') =>
  check.run(policyContext({ sender, recipientCount, stage, list, recipient: 'y@relaylab.test' }), []);

describe('reject_multi_recipient_bounce', () => {
  it('at DATA: a null sender with more than one recipient', async () => {
    expect(await run('', 2, 'data', 'data')).toEqual({ kind: 'reject', code: 550, status: '5.5.3', text: '<DATA>: Data command rejected: Multi-recipient bounce' });
    expect(await run('', 1, 'data', 'data')).toEqual({ kind: 'next' });
    expect(await run('a@b.example', 5, 'data', 'data')).toEqual({ kind: 'next' });
  });

  it('at RCPT: a null sender that already has a recipient', async () => {
    expect(await run('', 1, 'rcpt', 'recipient')).toEqual({ kind: 'reject', code: 550, status: '5.5.3', text: '<y@relaylab.test>: Recipient address rejected: Multi-recipient bounce' });
    expect(await run('', 0, 'rcpt', 'recipient')).toEqual({ kind: 'next' });
  });
});
