import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/check_client_access';
import { createTableSet } from '../../../../engine/tables/registry';
import { policyContext } from '../../../helpers/policy-context';

const tables = createTableSet({ baseDir: '/nonexistent' });
const TABLE = 'inline:{ {good.example=DUNNO}, {example=REJECT 5.1.1 by name}, {192.0.2=REJECT by network}, {unknown=DEFER no rDNS} }';
const run = (name: string, ip: string) => check.run(policyContext({ client: { name, ip }, list: 'client', tables }), [TABLE]);

describe('check_client_access', () => {
  it('looks the name up first (with its parents); the reply names name[addr] and Client host', async () => {
    expect(await run('mail.bad.example', '198.51.100.1')).toEqual({ kind: 'reject', code: 554, status: '5.0.0', text: '<mail.bad.example[198.51.100.1]>: Client host rejected: by name' });
  });

  it('a DUNNO for the name ends the search before the address', async () => {
    expect(await run('mx.good.example', '192.0.2.1')).toEqual({ kind: 'next' });
  });

  it('then the address and its parent networks', async () => {
    expect(await run('mail.other.test', '192.0.2.44')).toMatchObject({ text: '<mail.other.test[192.0.2.44]>: Client host rejected: by network' });
  });

  it('looks up "unknown" for a client without a reverse name', async () => {
    expect(await run('unknown', '203.0.113.9')).toEqual({ kind: 'defer', code: 450, status: '4.7.1', text: '<unknown[203.0.113.9]>: Client host rejected: no rDNS' });
  });
});
