import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_invalid_helo_hostname';
import { policyContext } from '../../../helpers/policy-context';

const run = (helo?: string) => check.run(policyContext({ helo, list: 'helo' }), []);

describe('reject_invalid_helo_hostname', () => {
  it.each(['mail.example', 'localhost', 'mail.example.', 'under_score.example', '192.0.2.10', '2001:db8::1', '[192.0.2.1]', '[IPv6:2001:db8::1]', 'a-b.c'])(
    'passes %s', async (helo) => {
      expect(await run(helo)).toEqual({ kind: 'next' });
    });

  it.each(['bad..name', '-lead.example', 'trail-.example', 'sp ace', 'exämple.test', 'mail.example..', '.', '1.2.3', 'a'.repeat(64) + '.example'])(
    'rejects %s with 501 5.5.2 Invalid name', async (helo) => {
      expect(await run(helo)).toEqual({ kind: 'reject', code: 501, status: '5.5.2', text: `<${helo}>: Helo command rejected: Invalid name` });
    });

  it.each(['[300.1.1.1]', '[example.test]', '[2001:db8::1]', '[IPv6:zz::1]', '[]', '[0.1.2.3'])('rejects the literal %s as an invalid ip address', async (helo) => {
    expect(await run(helo)).toEqual({ kind: 'reject', code: 501, status: '5.5.2', text: `<${helo}>: Helo command rejected: invalid ip address` });
  });

  it('does nothing before HELO', async () => {
    expect(await run(undefined)).toEqual({ kind: 'next' });
  });
});
