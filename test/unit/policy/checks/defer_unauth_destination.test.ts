import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/defer_unauth_destination';
import { policyContext } from '../../../helpers/policy-context';

const run = (recipient: string) => check.run(policyContext({ recipient }), []);

describe('defer_unauth_destination', () => {
  it('defers a foreign recipient with 454 4.7.1', async () => {
    expect(await run('x@elsewhere.example')).toEqual({ kind: 'defer', code: 454, status: '4.7.1', text: '<x@elsewhere.example>: Relay access denied' });
  });

  it('defers sender-specified routing', async () => {
    expect(await run('x%elsewhere.example@relaylab.test')).toMatchObject({ kind: 'defer', code: 454 });
  });

  it('passes a local recipient', async () => {
    expect(await run('x@RelayLab.Test.')).toEqual({ kind: 'next' });
  });
});
