import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_unauth_destination';
import { policyContext } from '../../../helpers/policy-context';

const run = (recipient: string | undefined) => check.run(policyContext({ recipient, localDomains: ['ours.test'] }), []);
const denied = (rcpt: string) => ({ kind: 'reject', code: 554, status: '5.7.1', text: `<${rcpt}>: Relay access denied` });

describe('reject_unauth_destination', () => {
  it('passes a local recipient', async () => {
    expect(await run('alice@ours.test')).toEqual({ kind: 'next' });
  });

  it('refuses a foreign recipient with 554 5.7.1 Relay access denied', async () => {
    expect(await run('bob@elsewhere.example')).toEqual(denied('bob@elsewhere.example'));
  });

  it.each(['a@evil.example@ours.test', 'a%evil.example@ours.test', 'evil.example!a@ours.test', '"a@evil.example"@ours.test'])(
    'refuses sender-specified routing %s', async (rcpt) => {
      const ctx = policyContext({ recipient: rcpt, localDomains: ['ours.test'] });
      expect(await check.run(ctx, [])).toEqual(denied(rcpt));
      expect(ctx.notes.join()).toContain('sender-specified routing');
    });

  it.each(['A@OURS.TEST', 'a@ours.test.', 'A@Ours.Test.'])('accepts %s (case and one trailing dot)', async (rcpt) => {
    expect(await run(rcpt)).toEqual({ kind: 'next' });
  });

  it.each(['a@ours.test..', 'a@', 'alice', 'a@.'])('refuses the malformed or domainless %s', async (rcpt) => {
    expect(await run(rcpt)).toEqual(denied(rcpt));
  });

  it('keeps the recipient as given in the reply', async () => {
    expect(await run('Bob@Elsewhere.Example.')).toEqual(denied('Bob@Elsewhere.Example.'));
  });

  it('does nothing without a recipient (e.g. in the data list with several recipients)', async () => {
    expect(await run(undefined)).toEqual({ kind: 'next' });
  });
});
