import { describe, expect, it } from 'vitest';
import { openTable } from '../../../engine/tables/registry';
import { translatePosix } from '../../../engine/tables/posix-regex';
import { tempDir } from './temp-dir';

const t = tempDir();
const table = (name: string, text: string) => { t.write(name, text); return openTable(`regexp:${name}`, { baseDir: t.dir }); };
const js = (p: string, o: Partial<Parameters<typeof translatePosix>[1]> = {}) => {
  const r = translatePosix(p, { icase: true, extended: true, newline: false, ...o });
  return new RegExp(r.source, r.flags);
};

describe('regexp: tables (regexp_table(5))', () => {
  it('first match wins; case-insensitive by default; $n substitution', async () => {
    const tb = table('a.regexp', [
      '# comment',
      '/^(.*)@(sub\\.)?example\\.com$/   REJECT $1 at ${2}example.com costs $$5',
      '/^postmaster@/                   OK',
      '/@/                              DUNNO',
    ].join('\n'));
    expect(tb.pattern).toBe(true);
    expect(await tb.get('Joe@Sub.Example.com')).toEqual({ found: true, value: 'REJECT Joe at Sub.example.com costs $5', line: 2 });
    expect(await tb.get('joe@example.com')).toEqual({ found: true, value: 'REJECT joe at example.com costs $5', line: 2 });
    expect(await tb.get('postmaster@x')).toEqual({ found: true, value: 'OK', line: 3 });
    expect(await tb.get('no-at-sign')).toEqual({ found: false });
  });

  it('flags: i toggles case-insensitivity off; ! negates; /a/!/b/ needs a and not b', async () => {
    const tb = table('flags.regexp', '/^UPPER$/i  exact\n!/^[a-z]+$/  not letters\n/^ab/!/c$/  ab not c\n');
    expect(await tb.get('upper')).toEqual({ found: false });
    expect(await tb.get('UPPER')).toMatchObject({ value: 'exact' });
    expect(await tb.get('ab1')).toMatchObject({ value: 'not letters' });
    expect(await tb.get('abd')).toMatchObject({ value: 'ab not c' });
    expect(await tb.get('abc')).toEqual({ found: false });
    const two = table('two.regexp', '/^ab/!/c$/  ab not c\n');
    expect(await two.get('abd')).toMatchObject({ value: 'ab not c' });
    expect(await two.get('abc')).toEqual({ found: false });
  });

  it('if/endif blocks nest; a non-matching if skips its block', async () => {
    const tb = table('if.regexp', [
      'if /@example\\.com$/',
      'if !/^admin/',
      '/^a/ starts with a',
      'endif',
      '/./ any example.com',
      'endif',
      '/./ anything else',
    ].join('\n'));
    expect(await tb.get('alice@example.com')).toMatchObject({ value: 'starts with a', line: 3 });
    expect(await tb.get('admin@example.com')).toMatchObject({ value: 'any example.com', line: 5 });
    expect(await tb.get('alice@other.com')).toMatchObject({ value: 'anything else', line: 7 });
  });

  it('any non-alphanumeric delimiter (a line starting with # is a comment); the delimiter may be escaped', async () => {
    const tb = table('delim.regexp', '%^a/b$% slash\n/^c\\/d$/ escaped\n');
    expect(await tb.get('a/b')).toMatchObject({ value: 'slash' });
    expect(await tb.get('c/d')).toMatchObject({ value: 'escaped' });
  });

  it.each([
    ['/abc REJECT', 'no closing regexp delimiter "/"'],
    ['/abc/q REJECT', 'unknown regexp option "q"'],
    ['/(a)/ REJECT $2', 'out of range replacement index "2"'],
    ['!/(a)/ REJECT $1', '$number found in negative match replacement text'],
    ['/a/ REJECT $x', 'non-numeric replacement index "x"'],
    ['/a/ costs $', 'empty macro name'],
    ['/a(/ x', 'unmatched ('],
    ['/[a/ x', 'unmatched ['],
    ['/*a/ x', 'repetition operator "*" with nothing before it'],
    ['endif', 'ENDIF without matching IF'],
    ['whatever x', 'unrecognized request'],
  ])('refuses %s with file and line', async (line, why) => {
    const file = t.write('bad.regexp', `/ok/ OK\n${line}\n`);
    const tb = openTable('regexp:bad.regexp', { baseDir: t.dir });
    expect(tb.health().error).toContain(`${file}, line 2: ${why}`);
    expect(await tb.get('ok')).toMatchObject({ error: 'config' });
  });

  it('warns about an IF without ENDIF (nothing after a failed IF applies) and about \\d', async () => {
    const file = t.write('warn.regexp', 'if /^a/\n/\\d/ digit-letter\n');
    const tb = openTable('regexp:warn.regexp', { baseDir: t.dir });
    expect(tb.health().warnings).toEqual([
      `${file}, line 2: "\\d" is the character "d" in a POSIX regular expression (use [0-9] for a digit)`,
      `${file}, line 1: IF has no matching ENDIF`,
    ]);
    expect(await tb.get('ad')).toMatchObject({ value: 'digit-letter' });
    expect(await tb.get('a1')).toEqual({ found: false });
    expect(await tb.get('bd')).toEqual({ found: false });
  });
});

describe('POSIX regular expressions in JavaScript', () => {
  it('a backslash inside [...] is an ordinary character', () => {
    expect(js('^[\\.]$').test('\\')).toBe(true);
    expect(js('^[\\.]$').test('.')).toBe(true);
  });

  it('. and [^x] match a newline unless the m flag (REG_NEWLINE) is given', () => {
    expect(js('^a.b$').test('a\nb')).toBe(true);
    expect(js('^a.b$', { newline: true }).test('a\nb')).toBe(false);
    expect(js('^a[^x]b$', { newline: true }).test('a\nb')).toBe(false);
    expect(js('^b$', { newline: true }).test('a\nb')).toBe(true);
    expect(js('^b$').test('a\nb')).toBe(false);
  });

  it('stacked repetition means (a+)?, not a lazy quantifier', () => {
    expect(translatePosix('a+?', { icase: false, extended: true, newline: false }).source).toBe('(?:a+)?');
    expect(js('^(a+?)$').exec('aaa')?.[1]).toBe('aaa');
  });

  it('character classes, intervals and GNU escapes', () => {
    expect(js('^[[:alpha:]][[:digit:]]{2}$').test('x42')).toBe(true);
    expect(js('^a{,2}$').test('aa')).toBe(true);
    expect(js('^a{,2}$').test('aaa')).toBe(false);
    expect(js('\\<foo\\>').test('a foo b')).toBe(true);
    expect(js('\\<foo\\>').test('afoob')).toBe(false);
    expect(js('^[]a]+$').test(']a')).toBe(true);
    expect(js('^(a)b\\1$').test('aba')).toBe(true);
  });

  it('basic syntax (the x flag turns ERE off): \\( \\) \\{ \\} are operators, ( ) + ? literals', () => {
    const bre = (p: string) => js(p, { extended: false });
    expect(bre('^\\(ab\\)\\{2\\}$').test('abab')).toBe(true);
    expect(bre('^a+b?$').test('a+b?')).toBe(true);
    expect(bre('^*a').test('*a')).toBe(true);
    expect(bre('a$b').test('a$b')).toBe(true);
  });

  it('refuses what regcomp refuses', () => {
    const bad = (p: string) => () => translatePosix(p, { icase: false, extended: true, newline: false });
    expect(bad('a{2,1}')).toThrow('the maximum is below the minimum');
    expect(bad('\\1(a)')).toThrow('invalid back reference');
    expect(bad('[[:nosuch:]]')).toThrow('unknown character class');
    expect(bad('[z-a]')).toThrow('invalid range end');
    expect(bad('a\\')).toThrow('trailing backslash');
  });
});

describe('regexp: flag x', () => {
  it('switches to basic syntax, with a warning (it is not PCRE\'s "ignore white space")', async () => {
    const file = t.write('bre.regexp', '/^a+(b)$/x literal\n');
    const tb = openTable('regexp:bre.regexp', { baseDir: t.dir });
    expect(tb.health().warnings[0]).toBe(`${file}, line 1: the "x" flag switches a regexp: pattern to basic syntax (BRE): ( ) { } + ? | become literals; it does not ignore white space as in pcre:`);
    expect(await tb.get('a+(b)')).toMatchObject({ value: 'literal' });
    expect(await tb.get('aab')).toEqual({ found: false });
  });
});
