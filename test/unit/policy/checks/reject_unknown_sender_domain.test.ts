import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_unknown_sender_domain';
import { createZoneResolver } from '../../../../engine/dns/zone';
import { createPolicy } from '../../../../engine/policy/runner';
import { policySchema } from '../../../../engine/config/schema';
import { policyContext } from '../../../helpers/policy-context';

const resolver = createZoneResolver({
  'mx.example': { MX: [[10, 'mail.mx.example']] },
  'a.example': { A: ['192.0.2.1'] },
  'six.example': { AAAA: ['2001:db8::1'] },
  'null.example': { MX: [[0, '.']] },
  'bad.example': { MX: [[10, '-bad-']] },
  'down.example': { SERVFAIL: true },
});
const run = (sender?: string, o: Parameters<typeof policyContext>[0] = {}) => check.run(policyContext({ sender, list: 'sender', resolver, ...o }), []);

describe('reject_unknown_sender_domain', () => {
  it.each(['a@mx.example', 'a@a.example', 'a@six.example', 'a@relaylab.test', 'a@[192.0.2.1]', ''])('passes %s', async (s) => {
    expect(await run(s)).toEqual({ kind: 'next' });
  });

  it('450 4.1.8 for a domain with no MX and no address', async () => {
    expect(await run('a@nxdomain.example')).toEqual({ kind: 'defer', code: 450, status: '4.1.8', text: '<a@nxdomain.example>: Sender address rejected: Domain not found' });
  });

  it('550 5.7.27 for a null MX; "Malformed DNS server reply" for a bad MX name', async () => {
    expect(await run('a@null.example')).toEqual({ kind: 'reject', code: 550, status: '5.7.27', text: '<a@null.example>: Sender address rejected: Domain null.example does not accept mail (nullMX)' });
    expect(await run('a@bad.example')).toEqual({ kind: 'defer', code: 450, status: '4.1.8', text: '<a@bad.example>: Sender address rejected: Malformed DNS server reply' });
  });

  it('a bare local part belongs to myorigin (never looked up when it is ours)', async () => {
    expect(await run('a', { myorigin: 'relaylab.test' })).toEqual({ kind: 'next' });
    expect(await run('a', { myorigin: 'nxdomain.example' })).toMatchObject({ code: 450 });
  });

  it('a DNS failure defers only if the mail would be accepted (defer_if_permit)', async () => {
    const p = createPolicy(policySchema.parse({ sender: ['reject_unknown_sender_domain'], recipient: ['reject'] }));
    const accepted = createPolicy(policySchema.parse({ sender: ['reject_unknown_sender_domain'] }));
    const ctx = () => policyContext({ sender: 'a@down.example', recipient: 'x@relaylab.test', resolver });
    expect((await p.evaluate('rcpt', ctx())).verdict).toMatchObject({ code: 554, status: '5.7.1' });
    expect((await accepted.evaluate('rcpt', ctx())).verdict).toEqual({ kind: 'defer', code: 450, status: '4.1.8', text: '<a@down.example>: Sender address rejected: Domain not found' });
  });
});
