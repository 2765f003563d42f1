import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_unauth_pipelining';
import { policyContext } from '../../../helpers/policy-context';

describe('reject_unauth_pipelining', () => {
  it('rejects DATA after illegal pipelining', async () => {
    const ctx = policyContext({ stage: 'data', list: 'data', illegalPipelining: true });
    expect(await check.run(ctx, [])).toEqual({
      kind: 'reject', code: 503, status: '5.5.0', text: '<DATA>: Data command rejected: Improper use of SMTP command pipelining',
    });
  });

  it('passes a client that waited for its replies', async () => {
    expect(await check.run(policyContext({ stage: 'data', list: 'data' }), [])).toEqual({ kind: 'next' });
  });

  it('names the client when used in the client list', async () => {
    const ctx = policyContext({ list: 'client', illegalPipelining: true, client: { name: 'h.example', ip: '192.0.2.9' } });
    expect(await check.run(ctx, [])).toMatchObject({ text: '<h.example[192.0.2.9]>: Client host rejected: Improper use of SMTP command pipelining' });
  });
});
