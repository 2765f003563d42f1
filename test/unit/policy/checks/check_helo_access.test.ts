import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/check_helo_access';
import { createTableSet } from '../../../../engine/tables/registry';
import { policyContext } from '../../../helpers/policy-context';

const tables = createTableSet({ baseDir: '/nonexistent' });
const TABLE = 'inline:{ {localhost=REJECT you are not me}, {example=504 5.5.2 example names}, {192.0.2=REJECT never tried} }';
const run = (helo: string | undefined) => check.run(policyContext({ helo, list: 'helo', tables }), [TABLE]);

describe('check_helo_access', () => {
  it('rejects with the HELO argument and the Helo command Class', async () => {
    expect(await run('LocalHost')).toEqual({ kind: 'reject', code: 554, status: '5.7.1', text: '<LocalHost>: Helo command rejected: you are not me' });
    expect(await run('a.b.example')).toEqual({ kind: 'reject', code: 504, status: '5.5.2', text: '<a.b.example>: Helo command rejected: example names' });
  });

  it('no parent walk for a numeric HELO; nothing before HELO', async () => {
    expect(await run('192.0.2.1')).toEqual({ kind: 'next' });
    expect(await run(undefined)).toEqual({ kind: 'next' });
  });
});
