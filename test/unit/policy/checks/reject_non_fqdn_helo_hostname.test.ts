import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_non_fqdn_helo_hostname';
import { policyContext } from '../../../helpers/policy-context';

const run = (helo?: string) => check.run(policyContext({ helo, list: 'helo' }), []);
const needFqdn = (helo: string) => ({ kind: 'reject', code: 504, status: '5.5.2', text: `<${helo}>: Helo command rejected: need fully-qualified hostname` });

describe('reject_non_fqdn_helo_hostname', () => {
  it.each(['mail.example', 'mail.example.', 'under_score.example', '[192.0.2.1]', '[IPv6:::1]'])('passes %s', async (helo) => {
    expect(await run(helo)).toEqual({ kind: 'next' });
  });

  it.each(['localhost', 'localhost.', 'bad..name', '192.0.2.10', 'x_y'])('rejects %s with 504 5.5.2', async (helo) => {
    expect(await run(helo)).toEqual(needFqdn(helo));
  });

  it('rejects a bad address literal as an invalid ip address', async () => {
    expect(await run('[192.0.2]')).toEqual({ kind: 'reject', code: 501, status: '5.5.2', text: '<[192.0.2]>: Helo command rejected: invalid ip address' });
  });

  it('does nothing before HELO', async () => {
    expect(await run(undefined)).toEqual({ kind: 'next' });
  });
});
