import { describe, expect, it } from 'vitest';
import { createTableSet, openTable, splitSpec, tableSpecProblem, TABLE_TYPES } from '../../../engine/tables/registry';
import { findFirst } from '../../../engine/tables/find';
import { tempDir } from './temp-dir';

const t = tempDir();

describe('the table registry', () => {
  it('knows every supported type', () => {
    expect(TABLE_TYPES).toEqual(['texthash', 'hash', 'regexp', 'pcre', 'cidr', 'inline', 'static', 'fail']);
    expect(splitSpec('inline:{a=b:c}')).toEqual({ type: 'inline', name: '{a=b:c}' });
  });

  it.each([
    ['btree:/etc/postfix/x', 'unsupported table type "btree" in "btree:/etc/postfix/x" (point texthash: or hash: at the text source file instead)'],
    ['mysql:/etc/postfix/x.cf', 'unsupported table type "mysql"'],
    ['nocolon', '"nocolon" is not a table: need type:name'],
    [':x', 'is not a table'],
    ['texthash:', 'the table name is empty'],
  ])('an unknown or empty spec is a config problem: %s', async (spec, why) => {
    expect(tableSpecProblem(spec)).toContain(why);
    const tb = openTable(spec, { baseDir: t.dir });
    expect(await tb.get('x')).toMatchObject({ error: 'config', detail: expect.stringContaining(why) });
  });

  it('fail: answers every lookup with a temporary error', async () => {
    expect(tableSpecProblem('fail:x')).toBeUndefined();
    expect(await openTable('fail:x', { baseDir: t.dir }).get('k')).toEqual({ error: 'retry', detail: 'fail:x: a fail: table answers every lookup with an error' });
  });

  it('resolves relative names against the base folder; absolute names stay', async () => {
    const file = t.write('sub/access', 'k v\n');
    expect(await openTable('texthash:sub/access', { baseDir: t.dir }).get('k')).toMatchObject({ value: 'v' });
    expect(await openTable(`texthash:${file}`, { baseDir: '/elsewhere' }).get('k')).toMatchObject({ value: 'v' });
  });

  it('a table set opens each spec once and lists its state', () => {
    const file = t.write('set-bad', 'lonely\n');
    const set = createTableSet({ baseDir: t.dir });
    expect(set.open('texthash:set-bad')).toBe(set.open('texthash:set-bad'));
    set.open('static:OK');
    expect(set.list()).toEqual([
      { spec: 'texthash:set-bad', error: `${file}, line 1: expected format: key whitespace value`, warnings: [] },
      { spec: 'static:OK', warnings: [] },
    ]);
    set.close();
    expect(set.list()).toEqual([]);
  });

  it('findFirst: the first table with the key answers; an error stops the search; partial keys skip pattern tables', async () => {
    t.write('ff.regexp', '/./ from regexp\n');
    const rx = openTable('regexp:ff.regexp', { baseDir: t.dir });
    const fixed = openTable('inline:{{k=from inline}}', { baseDir: t.dir });
    const fail = openTable('fail:x', { baseDir: t.dir });
    expect((await findFirst([rx, fixed], 'k')).lookup).toMatchObject({ value: 'from regexp' });
    expect((await findFirst([rx, fixed], 'k', true)).lookup).toMatchObject({ value: 'from inline' });
    expect((await findFirst([fail, fixed], 'k')).lookup).toMatchObject({ error: 'retry' });
    expect((await findFirst([fixed], 'nope')).lookup).toEqual({ found: false });
  });
});
