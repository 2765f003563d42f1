import { describe, expect, it } from 'vitest';
import check, { authDestination } from '../../../../engine/policy/checks/permit_auth_destination';
import { policyContext } from '../../../helpers/policy-context';

const run = (recipient?: string) => check.run(policyContext({ recipient }), []);

describe('permit_auth_destination', () => {
  it('accepts a local recipient', async () => {
    expect(await run('alice@relaylab.test')).toEqual({ kind: 'accept' });
    expect(await run('ALICE@RELAYLAB.TEST.')).toEqual({ kind: 'accept' });
  });

  it('passes on a foreign or source-routed recipient', async () => {
    expect(await run('alice@elsewhere.example')).toEqual({ kind: 'next' });
    expect(await run('a!b@relaylab.test')).toEqual({ kind: 'next' });
    expect(await run()).toEqual({ kind: 'next' });
  });

  it('explains its decision', () => {
    const local = (d: string) => d === 'relaylab.test';
    expect(authDestination('a@relaylab.test', local)).toEqual({ local: true, why: 'relaylab.test is a local domain' });
    expect(authDestination('a@x.example', local).why).toBe('x.example is not a local domain');
    expect(authDestination('a%b@relaylab.test', local).why).toContain('"%"');
  });
});
