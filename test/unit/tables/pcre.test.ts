import { describe, expect, it } from 'vitest';
import { openTable } from '../../../engine/tables/registry';
import { translatePcre, type PcreOptions } from '../../../engine/tables/pcre-regex';
import { tempDir } from './temp-dir';

const t = tempDir();
const DEFAULTS: PcreOptions = { icase: true, dotall: true, multiline: false, extended: false, anchored: false, dollarEndOnly: false, ungreedy: false };
const js = (p: string, o: Partial<PcreOptions> = {}) => {
  const r = translatePcre(p, { ...DEFAULTS, ...o });
  return new RegExp(r.source, r.flags);
};

describe('pcre: tables (pcre_table(5))', () => {
  it('matches with PCRE defaults (i and s on) and substitutes $n', async () => {
    t.write('a.pcre', '/^(?<user>[^@]+)@(?:mail\\.)?example\\.com$/  REJECT no mail for $1\n/^a.b$/ dot matches newline\n');
    const tb = openTable('pcre:a.pcre', { baseDir: t.dir });
    expect(await tb.get('Joe@Mail.Example.com')).toEqual({ found: true, value: 'REJECT no mail for Joe', line: 1 });
    expect(await tb.get('a\nb')).toMatchObject({ value: 'dot matches newline' });
  });

  it('flags: i, s, m, x, A, E, U; X is ignored with a warning', async () => {
    const file = t.write('flags.pcre', [
      '/^ABC$/i case-sensitive',
      '/^x.y$/s no-dotall',
      '/^line2$/m multiline',
      '/ s p a c e d /x extended',
      '/b/A anchored',
      '/end$/E dollar-endonly',
      '/^(q+)/U ungreedy $1',
      '/zzz/X obsolete',
    ].join('\n'));
    const tb = openTable('pcre:flags.pcre', { baseDir: t.dir });
    expect(tb.health().warnings).toEqual([`${file}, line 8: ignoring obsolete regexp option "X"`]);
    expect(await tb.get('abc')).toEqual({ found: false });
    expect(await tb.get('ABC')).toMatchObject({ value: 'case-sensitive' });
    expect(await tb.get('x\ny')).toEqual({ found: false });
    expect(await tb.get('line1\nline2')).toMatchObject({ value: 'multiline' });
    expect(await tb.get('spaced')).toMatchObject({ value: 'extended' });
    expect(await tb.get('xb')).toEqual({ found: false });
    expect(await tb.get('bc')).toMatchObject({ value: 'anchored' });
    expect(await tb.get('the end\n')).toEqual({ found: false });
    expect(await tb.get('qqq')).toMatchObject({ value: 'ungreedy q' });
  });

  it.each([
    ['/a*+/ x', 'the possessive quantifier "*+" cannot be expressed in a JavaScript regular expression'],
    ['/(?>a)/ x', 'the atomic group (?>...) cannot be expressed'],
    ['/(?R)/ x', 'recursion or a subroutine call'],
    ['/(a)(?1)/ x', 'recursion or a subroutine call'],
    ['/(?(1)a|b)/ x', 'the conditional group'],
    ['/a(?i)b/i x', 'an inline (?i) that changes case-sensitivity for part of the pattern'],
    ['/(?-i:a)/ x', 'changes case-sensitivity'],
    ['/\\p{Lu}/ x', 'Unicode properties'],
    ['/a\\Kb/ x', '\\K (reset the match start)'],
    ['/(*SKIP)a/ x', 'a backtracking verb'],
    ['/(?|a)/ x', 'branch-reset'],
    ['/\\q/ x', 'unrecognized character follows \\'],
    ['/(a/ x', 'missing closing parenthesis'],
    ['/a)/ x', 'unmatched closing parenthesis'],
    ['/a/!/b/ x', 'unknown regexp option "!"'],
  ])('refuses %s at load with file:line', (line, why) => {
    const file = t.write('bad.pcre', `${line}\n`);
    const err = openTable('pcre:bad.pcre', { baseDir: t.dir }).health().error;
    expect(err).toContain(`${file}, line 1: `);
    expect(err).toContain(why);
  });
});

describe('PCRE translated to JavaScript', () => {
  it('\\A \\z \\Z and $ (which matches before a final newline)', () => {
    expect(js('\\Aab\\z').test('ab')).toBe(true);
    expect(js('\\Aab\\z').test('ab\n')).toBe(false);
    expect(js('ab\\Z').test('ab\n')).toBe(true);
    expect(js('ab$').test('ab\n')).toBe(true);
    expect(js('ab$', { dollarEndOnly: true }).test('ab\n')).toBe(false);
  });

  it('a leading (?i) or (?-i) sets the whole pattern; (?x) and (?U) work anywhere', () => {
    expect(js('(?-i)ABC').test('abc')).toBe(false);
    expect(js('(?i)abc', { icase: false }).test('ABC')).toBe(true);
    expect(js('a(?x) b c').test('abc')).toBe(true);
    expect(js('^(a+)(?U)(a+)').exec('aaaa')?.slice(1)).toEqual(['aaa', 'a']);
  });

  it('\\Q...\\E, named groups and references, \\g{-1}, comments, POSIX classes', () => {
    expect(js('^\\Q.*\\E$').test('.*')).toBe(true);
    expect(js('^(?P<u>\\w+)=(?P=u)$').test('ab=ab')).toBe(true);
    expect(js("^(?'u'x)\\k{u}$").test('xx')).toBe(true);
    expect(js('^(a)(b)\\g{-1}$').test('abb')).toBe(true);
    expect(js('^a(?#note)b$').test('ab')).toBe(true);
    expect(js('^[[:digit:][:^digit:]]{2}$').test('1x')).toBe(true);
    expect(js('^\\x{41}\\x42\\e$', { icase: false }).test('AB\x1b')).toBe(true);
  });

  it('{,n} is a literal in PCRE2 10.42, not a quantifier', () => {
    expect(js('^a{,2}$').test('a{,2}')).toBe(true);
  });
});
