import { rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openTable } from '../../../engine/tables/registry';
import { tempDir } from './temp-dir';

const t = tempDir();

describe('tables re-read their file when it changes', () => {
  it('picks up a change; a bad version answers error until it is fixed', async () => {
    const file = t.write('live', 'a@b.example REJECT one\n');
    const tb = openTable('texthash:live', { baseDir: t.dir, reloadCheckMs: 0 });
    expect(await tb.get('a@b.example')).toMatchObject({ value: 'REJECT one' });

    writeFileSync(file, 'a@b.example REJECT two, a longer line\n');
    expect(await tb.get('a@b.example')).toMatchObject({ value: 'REJECT two, a longer line' });

    writeFileSync(file, 'a@b.example REJECT three\nbroken\n');
    expect(await tb.get('a@b.example')).toEqual({ error: 'config', detail: `${file}, line 2: expected format: key whitespace value` });
    expect(tb.health().error).toBe(`${file}, line 2: expected format: key whitespace value`);

    writeFileSync(file, 'a@b.example OK\n');
    expect(await tb.get('a@b.example')).toMatchObject({ value: 'OK' });
    expect(tb.health().error).toBeUndefined();

    rmSync(file);
    expect(await tb.get('a@b.example')).toMatchObject({ error: 'config', detail: `${file}: cannot read the table: no such file` });
    writeFileSync(file, 'a@b.example DUNNO\n');
    expect(await tb.get('a@b.example')).toMatchObject({ value: 'DUNNO' });
  });

  it('checks the file at most once per interval', async () => {
    const file = t.write('throttled', 'k one\n');
    let now = 1000;
    const tb = openTable('texthash:throttled', { baseDir: t.dir, reloadCheckMs: 1000, now: () => now });
    writeFileSync(file, 'k two (longer)\n');
    now += 999;
    expect(await tb.get('k')).toMatchObject({ value: 'one' });
    now += 1;
    expect(await tb.get('k')).toMatchObject({ value: 'two (longer)' });
  });

  it('a table that starts broken becomes usable once fixed', async () => {
    const file = t.write('late.regexp', '/unclosed\n');
    const tb = openTable('regexp:late.regexp', { baseDir: t.dir, reloadCheckMs: 0 });
    expect(await tb.get('x')).toMatchObject({ error: 'config', detail: `${file}, line 1: no closing regexp delimiter "/"` });
    writeFileSync(file, '/x/ OK fixed now\n');
    expect(await tb.get('x')).toMatchObject({ value: 'OK fixed now' });
  });
});
