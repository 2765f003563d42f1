import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_non_fqdn_recipient';
import { policyContext } from '../../../helpers/policy-context';

const run = (recipient?: string) => check.run(policyContext({ recipient, list: 'recipient' }), []);

describe('reject_non_fqdn_recipient', () => {
  it('passes a fully-qualified address or an address literal', async () => {
    expect(await run('x@relaylab.test')).toEqual({ kind: 'next' });
    expect(await run('x@[192.0.2.1]')).toEqual({ kind: 'next' });
  });

  it.each(['x', 'x@localhost', 'x@relaylab..test'])('rejects %s with 504 5.5.2 and the Recipient address Class', async (r) => {
    expect(await run(r)).toEqual({ kind: 'reject', code: 504, status: '5.5.2', text: `<${r}>: Recipient address rejected: need fully-qualified address` });
  });

  it('does nothing before RCPT', async () => {
    expect(await run(undefined)).toEqual({ kind: 'next' });
  });
});
