import { describe, expect, it } from 'vitest';
import { postmapQuery } from '../../../engine/tables/postmap';
import { tempDir } from './temp-dir';

const t = tempDir();

describe('postmap -q', () => {
  it('prints the value and exits 0; exits 1 when not found', async () => {
    t.write('access', 'User@Example.com REJECT go away\n');
    expect(await postmapQuery('user@example.COM', 'hash:access', t.dir)).toEqual({ exit: 0, out: 'REJECT go away\n', warnings: [] });
    expect(await postmapQuery('other@example.com', 'texthash:access', t.dir)).toEqual({ exit: 1, out: '', warnings: [] });
  });

  it('queries pattern tables with the key as given', async () => {
    t.write('r.pcre', '/^(\\w+)@/ hello $1\n');
    expect(await postmapQuery('Joe@x', 'pcre:r.pcre', t.dir)).toMatchObject({ exit: 0, out: 'hello Joe\n' });
    expect(await postmapQuery('x', 'inline:{x=y}', t.dir)).toMatchObject({ exit: 0, out: 'y\n' });
  });

  it('exits 2 with a message for a bad spec, a bad file or a failing table', async () => {
    const file = t.write('bad', 'lonely\n');
    expect(await postmapQuery('k', 'bogus:x', t.dir)).toMatchObject({ exit: 2, out: expect.stringContaining('relaylab postmap: fatal: unsupported table type "bogus"') });
    expect(await postmapQuery('k', 'texthash:bad', t.dir)).toEqual({ exit: 2, out: `relaylab postmap: fatal: table texthash:bad: query error: ${file}, line 1: expected format: key whitespace value\n`, warnings: [] });
    expect(await postmapQuery('k', 'fail:x', t.dir)).toMatchObject({ exit: 2 });
  });

  it('reports load warnings separately', async () => {
    const file = t.write('dup', 'k one\nk two\n');
    expect(await postmapQuery('k', 'hash:dup', t.dir)).toEqual({ exit: 0, out: 'one\n', warnings: [`${file}, line 2: duplicate entry: "k" (first at line 1); the first entry is used`] });
  });
});
