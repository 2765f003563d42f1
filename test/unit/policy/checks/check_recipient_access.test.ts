import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/check_recipient_access';
import { createTableSet } from '../../../../engine/tables/registry';
import { policyContext } from '../../../helpers/policy-context';

const tables = createTableSet({ baseDir: '/nonexistent' });
const TABLE = 'inline:{ {sales@relaylab.test=REJECT 5.1.8 gone}, {relaylab.test=OK}, {a%b@relaylab.test=OK}, {421@relaylab.test=421 closing} }';
const run = (recipient: string | undefined) => check.run(policyContext({ recipient, list: 'recipient', tables }), [TABLE]);

describe('check_recipient_access', () => {
  it('rejects with the Recipient address Class, mapping a sender DSN to a recipient DSN', async () => {
    expect(await run('Sales@RelayLab.test')).toEqual({ kind: 'reject', code: 554, status: '5.1.2', text: '<Sales@RelayLab.test>: Recipient address rejected: gone' });
  });

  it('permits on OK, but not for an address with sender-specified routing', async () => {
    expect(await run('x@relaylab.test')).toEqual({ kind: 'accept' });
    expect(await run('a%b@relaylab.test')).toEqual({ kind: 'next' });
    expect(await run('x!y@relaylab.test')).toEqual({ kind: 'next' });
  });

  it('a 421 from a table also closes the connection', async () => {
    expect(await run('421@relaylab.test')).toEqual({ kind: 'defer', code: 421, status: '4.7.1', text: '<421@relaylab.test>: Recipient address rejected: closing', disconnect: true });
  });

  it('passes what it does not find, and does nothing before RCPT', async () => {
    expect(await run('x@else.example')).toEqual({ kind: 'next' });
    expect(await run(undefined)).toEqual({ kind: 'next' });
  });
});
