import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/reject_rbl_client';
import { createZoneResolver } from '../../../../engine/dns/zone';
import { createTableSet } from '../../../../engine/tables/registry';
import { policyContext } from '../../../helpers/policy-context';

const resolver = createZoneResolver({
  '2.0.0.127.zen.test': { A: ['127.0.0.2'], TXT: ['https://zen.test/2', ['split ', 'record']] },
  '3.2.0.192.zen.test': { A: ['127.255.255.254'] },
  '4.2.0.192.zen.test': { SERVFAIL: true },
  '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.test': { A: ['127.0.0.3'] },
});
const tables = createTableSet({ baseDir: '/nonexistent' });
const run = (ip: string, arg: string, o: Parameters<typeof policyContext>[0] = {}) =>
  check.run(policyContext({ client: { ip }, list: 'client', resolver, tables, ...o }), [arg]);

describe('reject_rbl_client', () => {
  it('554 5.7.1 with the default reply, TXT records joined with " / "', async () => {
    expect(await run('127.0.0.2', 'zen.test')).toEqual({
      kind: 'reject', code: 554, status: '5.7.1',
      text: 'Service unavailable; Client host [127.0.0.2] blocked using zen.test; https://zen.test/2 / split record',
    });
  });

  it('IPv6 clients are looked up by reversed nibbles', async () => {
    expect(await run('2001:db8::1', 'zen.test')).toMatchObject({ code: 554, text: 'Service unavailable; Client host [2001:db8::1] blocked using zen.test' });
  });

  it('a reply filter keeps answers outside it from listing the client', async () => {
    expect(await run('192.0.2.3', 'zen.test=127.0.0.[2..11]')).toEqual({ kind: 'next' });
    expect(await run('192.0.2.3', 'zen.test')).toMatchObject({ code: 554 });
    expect(await run('127.0.0.2', 'zen.test=127.0.0.[1;2;4]')).toMatchObject({ code: 554 });
  });

  it('not listed, or a DNS failure: no action', async () => {
    expect(await run('192.0.2.9', 'zen.test')).toEqual({ kind: 'next' });
    const ctx = policyContext({ client: { ip: '192.0.2.4' }, resolver });
    expect(await check.run(ctx, ['zen.test'])).toEqual({ kind: 'next' });
    expect(ctx.notes).toEqual(['4.2.0.192.zen.test A: ESERVFAIL: lookup error, no action (benefit of the doubt)']);
  });

  it('rbl_reply_maps supplies the reply template', async () => {
    const maps = ['inline:{ {zen.test=$rbl_code 5.7.1 $rbl_class $rbl_what listed by $rbl_domain${rbl_reason?: $rbl_reason}} }'];
    expect(await run('127.0.0.2', 'zen.test', { rblReplyMaps: maps })).toEqual({
      kind: 'reject', code: 554, status: '5.7.1', text: 'Client host 127.0.0.2 listed by zen.test: https://zen.test/2 / split record',
    });
  });

  it('a failing rbl_reply_maps is a server error', async () => {
    await expect(run('127.0.0.2', 'zen.test', { rblReplyMaps: ['fail:x'] })).rejects.toThrow('rbl_reply_maps lookup of zen.test failed');
  });

  it('refuses a bad domain or reply filter when the config is loaded', () => {
    expect(check.validateArgs?.(['zen.test=127.0.0.[2..300]'])).toBe('"300" is not a number from 0 to 255');
    expect(check.validateArgs?.(['zen.test=127.0.0'])).toContain('expected four fields');
    expect(check.validateArgs?.(['bad domain'])).toContain('is not a DNS domain');
    expect(check.validateArgs?.(['zen.test'])).toBeUndefined();
  });
});
