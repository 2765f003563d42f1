import { describe, expect, it } from 'vitest';
import reject from '../../../../engine/policy/checks/reject';
import { policyContext } from '../../../helpers/policy-context';

const ctx = (list: Parameters<typeof policyContext>[0]) =>
  policyContext({ client: { name: 'mail.example', ip: '192.0.2.1' }, helo: 'mail.example', sender: 'a@b.example', recipient: 'x@relaylab.test', ...list });

describe('reject', () => {
  it.each([
    ['client', '<mail.example[192.0.2.1]>: Client host rejected: Access denied'],
    ['helo', '<mail.example>: Helo command rejected: Access denied'],
    ['sender', '<a@b.example>: Sender address rejected: Access denied'],
    ['relay', '<x@relaylab.test>: Recipient address rejected: Access denied'],
    ['recipient', '<x@relaylab.test>: Recipient address rejected: Access denied'],
    ['data', '<DATA>: Data command rejected: Access denied'],
    ['end_of_data', '<END-OF-MESSAGE>: End-of-data rejected: Access denied'],
  ] as const)('in the %s list names the %s', async (list, text) => {
    expect(await reject.run(ctx({ list }), [])).toEqual({ kind: 'reject', code: 554, status: '5.7.1', text });
  });

  it('shows the null sender as <>', async () => {
    const v = await reject.run(ctx({ list: 'sender', sender: '' }), []);
    expect(v).toMatchObject({ text: '<>: Sender address rejected: Access denied' });
  });

  it('falls back to the stage\'s own list when the runner did not set one', async () => {
    const v = await reject.run(ctx({ stage: 'mail' }), []);
    expect(v).toMatchObject({ text: '<a@b.example>: Sender address rejected: Access denied' });
  });
});
