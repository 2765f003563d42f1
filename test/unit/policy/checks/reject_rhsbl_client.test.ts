import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_rhsbl_client';
import { createZoneResolver } from '../../../../engine/dns/zone';
import { policyContext } from '../../../helpers/policy-context';

const resolver = createZoneResolver({ 'bad.example.dbl.test': { A: ['127.0.1.2'] } });
const run = (name: string) => check.run(policyContext({ client: { name, ip: '192.0.2.1' }, list: 'client', resolver }), ['dbl.test']);

describe('reject_rhsbl_client', () => {
  it('rejects a client whose name is listed', async () => {
    expect(await run('bad.example')).toEqual({ kind: 'reject', code: 554, status: '5.7.1', text: 'Service unavailable; Client host [bad.example] blocked using dbl.test' });
  });

  it('skips a client without a name, and names that are not listed', async () => {
    expect(await run('unknown')).toEqual({ kind: 'next' });
    expect(await run('good.example')).toEqual({ kind: 'next' });
  });
});
