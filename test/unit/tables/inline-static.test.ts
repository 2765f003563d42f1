import { describe, expect, it } from 'vitest';
import { openTable, tableSpecProblem } from '../../../engine/tables/registry';

const open = (spec: string) => openTable(spec, { baseDir: '/nonexistent' });

describe('inline: and static: tables', () => {
  it('inline:{ key=value, { key = value with spaces } } with folded keys', async () => {
    const tb = open('inline:{ a@Example.com=REJECT, { b@example.com = REJECT with spaces }, c=OK }');
    expect(await tb.get('A@example.COM')).toEqual({ found: true, value: 'REJECT' });
    expect(await tb.get('b@example.com')).toEqual({ found: true, value: 'REJECT with spaces' });
    expect(await tb.get('c')).toEqual({ found: true, value: 'OK' });
    expect(await tb.get('d')).toEqual({ found: false });
    expect(tb.pattern).toBe(false);
  });

  it.each([
    ['inline:{ }', 'empty table: "inline:{ }"; need "inline:{name=value...}"'],
    ['inline:{ foo = xx }', `missing '=' after attribute name "foo"`],
    ['inline:{ foo=xx }x', 'bad syntax: "inline:{ foo=xx }x"'],
    ['inline:{ foo=xx x', 'bad syntax'],
    ['inline:foo=bar', 'bad syntax'],
    ['static:{ foo xx', `missing '}'`],
    ['static:{ foo }x', `syntax error after '}'`],
  ])('refuses %s as a config problem and answers error', async (spec, why) => {
    expect(tableSpecProblem(spec)).toContain(why);
    expect(await open(spec).get('foo')).toMatchObject({ error: 'config' });
  });

  it('static: answers every key, partial ones included', async () => {
    const tb = open('static:{ REJECT go away }');
    expect(await tb.get('anything')).toEqual({ found: true, value: 'REJECT go away' });
    expect(await open('static:OK').get('')).toEqual({ found: true, value: 'OK' });
    expect(open('static:OK').pattern).toBe(false);
  });
});
