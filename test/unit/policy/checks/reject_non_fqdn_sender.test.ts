import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_non_fqdn_sender';
import { policyContext } from '../../../helpers/policy-context';

const run = (sender?: string) => check.run(policyContext({ sender, list: 'sender' }), []);
const needFqdn = (a: string) => ({ kind: 'reject', code: 504, status: '5.5.2', text: `<${a}>: Sender address rejected: need fully-qualified address` });

describe('reject_non_fqdn_sender', () => {
  it.each(['a@b.example', 'a@b.example.', 'a@[192.0.2.1]', 'a@under_score.example'])('passes %s', async (s) => {
    expect(await run(s)).toEqual({ kind: 'next' });
  });

  it.each(['a@localhost', 'a', 'a@', 'a@-bad.example', 'a@bad..example', 'a@192.0.2.1'])('rejects %s with 504 5.5.2', async (s) => {
    expect(await run(s)).toEqual(needFqdn(s));
  });

  it('does not judge the null sender, nor a session before MAIL', async () => {
    expect(await run('')).toEqual({ kind: 'next' });
    expect(await run(undefined)).toEqual({ kind: 'next' });
  });
});
