import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_rhsbl_helo';
import { createZoneResolver } from '../../../../engine/dns/zone';
import { policyContext } from '../../../helpers/policy-context';

const resolver = createZoneResolver({ 'spam.example.dbl.test': { A: ['127.0.1.2'] } });
const run = (helo?: string) => check.run(policyContext({ helo, list: 'helo', resolver }), ['dbl.test']);

describe('reject_rhsbl_helo', () => {
  it('rejects a listed HELO name with the Helo command Class', async () => {
    expect(await run('spam.example')).toEqual({ kind: 'reject', code: 554, status: '5.7.1', text: 'Service unavailable; Helo command [spam.example] blocked using dbl.test' });
  });

  it('skips literals, numeric names and a missing HELO', async () => {
    for (const h of ['[192.0.2.1]', '192.0.2.1', 'ok.example', undefined]) expect(await run(h)).toEqual({ kind: 'next' });
  });
});
