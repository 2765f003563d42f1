import { describe, expect, it } from 'vitest';
import { expand, parseReplacement } from '../../../engine/tables/replacement';

describe('$n in regexp/pcre results (mac_parse)', () => {
  it('substitutes $n, ${n}, $(n); $$ is a dollar; unmatched groups are empty', () => {
    const r = parseReplacement('a $1 ${2}x $(3) $$ end');
    expect(r.maxSub).toBe(3);
    expect(expand(r, ['all', 'one', undefined, 'three'])).toBe('a one x three $ end');
    expect(parseReplacement('plain $$5')).toEqual({ parts: ['plain $5'], maxSub: 0 });
  });

  it.each([
    ['$', 'empty macro name'],
    ['${1', 'truncated macro reference'],
    ['$1abc', 'non-numeric replacement index "1abc"'],
    ['$name', 'non-numeric replacement index "name"'],
    ['$0', 'out-of-range replacement index "0"'],
  ])('refuses %s', (text, why) => {
    expect(() => parseReplacement(text)).toThrow(why);
  });
});
