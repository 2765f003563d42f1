import { describe, expect, it } from 'vitest';
import { accessAddress, addressQueries, findAccess, hostQueries, ipQueries, stripExtension } from '../../../engine/tables/access';
import { openTable } from '../../../engine/tables/registry';
import type { Table } from '../../../engine/tables/types';
import { tempDir } from './temp-dir';

const t = tempDir();
const keys = (q: { key: string; partial: boolean }[]) => q.map((x) => `${x.partial ? '~' : ''}${x.key}`);

/** A table that records every key it is asked. */
function spy(answers: Record<string, string> = {}, pattern = false): Table & { asked: string[] } {
  const asked: string[] = [];
  return {
    spec: 'spy:', type: 'spy', pattern, asked,
    get: async (k) => { asked.push(k); return k in answers ? { found: true, value: answers[k]! } : { found: false }; },
    health: () => ({ warnings: [] }),
  };
}

describe('the access(5) lookup order', () => {
  it('addresses: full, without extension, domain, parent domains, user+ext@, user@', () => {
    expect(keys(addressQueries('user+foo@sub.example.com', '+'))).toEqual([
      'user+foo@sub.example.com', '~user@sub.example.com', '~sub.example.com', '~example.com', '~com', '~user+foo@', '~user@',
    ]);
    expect(keys(addressQueries('user@example.com', '+'))).toEqual(['user@example.com', '~example.com', '~com', '~user@']);
    expect(keys(addressQueries('user+foo@example.com', ''))).toEqual(['user+foo@example.com', '~example.com', '~com', '~user+foo@']);
    expect(addressQueries('nodomain', '+')).toEqual([]);
  });

  it('extensions: any delimiter character; never postmaster or MAILER-DAEMON themselves, owner-x, x-request, or an empty local part', () => {
    expect(stripExtension('a-b+c', '+-')).toBe('a');
    expect(stripExtension('postmaster+x', '+')).toBe('postmaster');
    expect(stripExtension('MAILER-DAEMON', '-')).toBeUndefined();
    expect(stripExtension('owner-list', '-')).toBeUndefined();
    expect(stripExtension('list-request', '-')).toBeUndefined();
    expect(stripExtension('owner-list', '+')).toBeUndefined();
    expect(stripExtension('+foo', '+')).toBeUndefined();
    expect(stripExtension('foo+', '+')).toBe('foo');
  });

  it('the address queried: lower case, one trailing dot dropped, bare local part + myorigin', () => {
    expect(accessAddress('User@Example.COM.')).toBe('user@example.com');
    expect(accessAddress('bare', 'origin.example')).toBe('bare@origin.example');
    expect(accessAddress('bare')).toBe('bare');
  });

  it('host names: the name and its parent domains; no walk for an IP address', () => {
    expect(keys(hostQueries('mail.sub.example.com'))).toEqual(['mail.sub.example.com', '~sub.example.com', '~example.com', '~com']);
    expect(keys(hostQueries('a.example.'))).toEqual(['a.example.', '~example.']);
    expect(keys(hostQueries('192.0.2.1'))).toEqual(['192.0.2.1']);
    expect(keys(hostQueries('localhost'))).toEqual(['localhost']);
  });

  it('client addresses: the address and its parent networks', () => {
    expect(keys(ipQueries('192.0.2.1'))).toEqual(['192.0.2.1', '~192.0.2', '~192.0', '~192']);
    expect(keys(ipQueries('2001:db8:1::5'))).toEqual(['2001:db8:1::5', '~2001:db8:1:', '~2001:db8:1', '~2001:db8', '~2001']);
  });

  it('stops at the first key found, DUNNO included', async () => {
    const tb = spy({ 'example.com': 'DUNNO', com: 'REJECT' });
    const r = await findAccess(tb, addressQueries('a@example.com', '+'));
    expect(r).toMatchObject({ lookup: { found: true, value: 'DUNNO' }, key: 'example.com', tried: ['a@example.com', 'example.com'] });
    expect(tb.asked).toEqual(['a@example.com', 'example.com']);
  });

  it('a pattern table gets only the full key', async () => {
    const rx = spy({}, true);
    const r = await findAccess(rx, addressQueries('a+b@example.com', '+'));
    expect(r).toEqual({ lookup: { found: false }, tried: ['a+b@example.com'] });
    expect(rx.asked).toEqual(['a+b@example.com']);
  });

  it('several tables: each key in every table before the next key', async () => {
    const one = spy({ 'example.com': 'from one' });
    const two = spy({ 'a@example.com': 'from two' });
    const r = await findAccess([one, two], addressQueries('a@example.com', '+'));
    expect(r).toMatchObject({ lookup: { value: 'from two' }, key: 'a@example.com', table: two });
    expect(one.asked).toEqual(['a@example.com']);
  });

  it('an error stops the search and is the answer', async () => {
    const after = spy({ 'example.com': 'OK' });
    const r = await findAccess([openTable('fail:x', { baseDir: t.dir }), after], addressQueries('a@example.com', '+'));
    expect(r).toMatchObject({ lookup: { error: 'retry' }, key: 'a@example.com' });
    expect(after.asked).toEqual([]);
  });

  it('real files: a texthash table walked in order', async () => {
    t.write('order', 'sub.example.com DUNNO\nexample.com REJECT\nuser@ OK\n');
    const tb = openTable('texthash:order', { baseDir: t.dir });
    expect((await findAccess(tb, addressQueries('user@x.sub.example.com', '+'))).lookup).toMatchObject({ value: 'DUNNO' });
    expect((await findAccess(tb, addressQueries('user@other.example.com', '+'))).lookup).toMatchObject({ value: 'REJECT' });
    expect((await findAccess(tb, addressQueries('user@other.test', '+'))).lookup).toMatchObject({ value: 'OK' });
  });
});
