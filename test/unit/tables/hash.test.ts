import { describe, expect, it } from 'vitest';
import { openTable } from '../../../engine/tables/registry';
import { splitKeyValue } from '../../../engine/tables/backends/hash';
import { tempDir } from './temp-dir';

const t = tempDir();

describe('texthash: and hash: (the Postfix text source)', () => {
  it('looks keys up case-insensitively and reports the line', async () => {
    t.write('access', '# senders\nUser@Example.COM   REJECT Go Away  \nexample.net OK\n"quoted key" DUNNO\n');
    for (const type of ['texthash', 'hash']) {
      const table = openTable(`${type}:access`, { baseDir: t.dir });
      expect(table.pattern).toBe(false);
      expect(await table.get('user@example.com')).toEqual({ found: true, value: 'REJECT Go Away', line: 2 });
      expect(await table.get('EXAMPLE.NET')).toEqual({ found: true, value: 'OK', line: 3 });
      expect(await table.get('"quoted key"')).toEqual({ found: true, value: 'DUNNO', line: 4 });
      expect(await table.get('example.org')).toEqual({ found: false });
      expect(table.health()).toEqual({ warnings: [] });
    }
  });

  it('joins continuation lines into one value', async () => {
    t.write('cont', 'key first part\n  second part\n');
    expect(await openTable('texthash:cont', { baseDir: t.dir }).get('key')).toEqual({ found: true, value: 'first part  second part', line: 1 });
  });

  it('refuses a key without a value, with file and line; every lookup answers error', async () => {
    const file = t.write('novalue', 'good OK\nlonely\n');
    const table = openTable('texthash:novalue', { baseDir: t.dir });
    expect(table.health().error).toBe(`${file}, line 2: expected format: key whitespace value`);
    expect(await table.get('good')).toEqual({ error: 'config', detail: `${file}, line 2: expected format: key whitespace value` });
  });

  it('refuses an unbalanced quote', () => {
    const file = t.write('quote', '"open key OK\n');
    expect(openTable('texthash:quote', { baseDir: t.dir }).health().error).toBe(`${file}, line 1: unbalanced '"' in '"open key OK'`);
  });

  it('texthash: refuses a duplicate key; hash: keeps the first with a warning (as postmap)', async () => {
    const file = t.write('dup', 'a@b.example REJECT first\nA@B.example OK second\n');
    expect(openTable('texthash:dup', { baseDir: t.dir }).health().error).toBe(`${file}, line 2: duplicate entry: "A@B.example" (first at line 1)`);
    const hash = openTable('hash:dup', { baseDir: t.dir });
    expect(await hash.get('a@b.example')).toEqual({ found: true, value: 'REJECT first', line: 1 });
    expect(hash.health().warnings).toEqual([`${file}, line 2: duplicate entry: "A@B.example" (first at line 1); the first entry is used`]);
  });

  it('warns about "key: value" lines (an alias file?)', () => {
    const file = t.write('alias', 'root: admin\n');
    expect(openTable('texthash:alias', { baseDir: t.dir }).health().warnings).toEqual([`${file}, line 1: record is in "key: value" format; is this an alias file?`]);
  });

  it('splits keys as dict_thash does: quotes and backslashes protect white space', () => {
    expect(splitKeyValue('a\\ b value x')).toEqual({ key: 'a\\ b', value: 'value x' });
    expect(splitKeyValue('"a b" v')).toEqual({ key: '"a b"', value: 'v' });
  });

  it('a missing file is an error, never "not found"', async () => {
    const table = openTable('texthash:nope', { baseDir: t.dir });
    expect(await table.get('x')).toMatchObject({ error: 'config', detail: expect.stringContaining('nope: cannot read the table: no such file') });
  });
});
