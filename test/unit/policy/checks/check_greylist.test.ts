// check_greylist through the runner (it answers like postgrey's DEFER_IF_PERMIT) with a real
// Greylist on a temp SQLite file and a clock the test moves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../../../../engine/policy/runner';
import { policySchema } from '../../../../engine/config/schema';
import { openDb } from '../../../../engine/store/db';
import { Greylist } from '../../../../engine/greylist/greylist';
import { policyContext } from '../../../helpers/policy-context';

function setup(recipient: string[]) {
  let t = 1_800_000_000_000;
  const db = openDb(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-gl-')), 'g.sqlite'));
  const g = new Greylist(db, { delay: 300_000, retry_window: 172_800_000, max_age: 3_024_000_000, auto_whitelist_clients: 5, ipv4cidr: 24, ipv6cidr: 64, lookup_by_host: false }, () => t);
  const policy = createPolicy(policySchema.parse({ recipient }), { context: { greylist: { check: (i, s, r) => g.check(i, s, r), hostname: 'mx.relaylab.test' } } });
  const rcpt = () => policy.evaluate('rcpt', policyContext({ client: { ip: '192.0.2.10', net: 'public' }, sender: 'a@example.org', recipient: 'u@relaylab.test' }));
  return { rcpt, tick: (ms: number) => { t += ms; } };
}

describe('check_greylist', () => {
  it('greylists a new triplet with 450 4.2.0 and lets the retry through with an X-Greylist header', async () => {
    const s = setup(['reject_unauth_destination', 'check_greylist']);
    expect((await s.rcpt()).verdict).toEqual({ kind: 'defer', code: 450, status: '4.2.0',
      text: '<u@relaylab.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/relaylab.test.html' });
    s.tick(301_000);
    const pass = await s.rcpt();
    expect(pass.verdict.kind).toBe('accept');
    expect(pass.effects?.[0]).toMatchObject({ kind: 'prepend', header: expect.stringMatching(/^X-Greylist: delayed 301 seconds by relaylab-greylist at mx\.relaylab\.test; /) });
  });

  it('a later REJECT still wins with its 5xx (DEFER_IF_PERMIT)', async () => {
    const s = setup(['check_greylist', 'reject']);
    expect((await s.rcpt()).verdict).toMatchObject({ kind: 'reject', code: 554 });
  });
});
