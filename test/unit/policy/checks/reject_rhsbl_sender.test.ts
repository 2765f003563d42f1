import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_rhsbl_sender';
import { createZoneResolver } from '../../../../engine/dns/zone';
import { policyContext } from '../../../helpers/policy-context';

const resolver = createZoneResolver({ 'spam.example.dbl.test': { A: ['127.0.1.2'], TXT: ['why'] }, 'odd.example.dbl.test': { A: ['127.0.1.255'] } });
const run = (sender?: string, arg = 'dbl.test') => check.run(policyContext({ sender, list: 'sender', resolver }), [arg]);

describe('reject_rhsbl_sender', () => {
  it('rejects a sender whose domain is listed, naming the address', async () => {
    expect(await run('someone@spam.example')).toEqual({ kind: 'reject', code: 554, status: '5.7.1', text: 'Service unavailable; Sender address [someone@spam.example] blocked using dbl.test; why' });
  });

  it('honours the reply filter', async () => {
    expect(await run('x@odd.example', 'dbl.test=127.0.1.[2..99]')).toEqual({ kind: 'next' });
    expect(await run('x@odd.example', 'dbl.test=127.0.1.255')).toMatchObject({ code: 554 });
  });

  it('skips the null sender, literals and numeric domains', async () => {
    for (const s of ['', 'a@[192.0.2.1]', 'a@192.0.2.1', undefined]) expect(await run(s)).toEqual({ kind: 'next' });
  });
});
