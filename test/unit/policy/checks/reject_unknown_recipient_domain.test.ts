import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_unknown_recipient_domain';
import { createZoneResolver } from '../../../../engine/dns/zone';
import { policyContext } from '../../../helpers/policy-context';

const resolver = createZoneResolver({ 'a.example': { A: ['192.0.2.1'] }, 'null.example': { MX: [[0, '']] }, 'down.example': { TIMEOUT: true } });
const run = (recipient?: string) => check.run(policyContext({ recipient, list: 'recipient', resolver }), []);

describe('reject_unknown_recipient_domain', () => {
  it('passes a domain with an address record, our own domains and literals', async () => {
    expect(await run('b@a.example')).toEqual({ kind: 'next' });
    expect(await run('b@relaylab.test')).toEqual({ kind: 'next' });
    expect(await run('b@[192.0.2.1]')).toEqual({ kind: 'next' });
  });

  it('450 4.1.2 Domain not found; 556 5.1.10 for a null MX', async () => {
    expect(await run('b@nx.example')).toEqual({ kind: 'defer', code: 450, status: '4.1.2', text: '<b@nx.example>: Recipient address rejected: Domain not found' });
    expect(await run('b@null.example')).toEqual({ kind: 'reject', code: 556, status: '5.1.10', text: '<b@null.example>: Recipient address rejected: Domain null.example does not accept mail (nullMX)' });
  });

  it('a timeout, called without the runner, defers at once', async () => {
    expect(await run('b@down.example')).toEqual({ kind: 'defer', code: 450, status: '4.1.2', text: '<b@down.example>: Recipient address rejected: Domain not found' });
  });
});
