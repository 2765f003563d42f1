import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checks } from '../../../../engine/policy/checks';

const dir = fileURLToPath(new URL('../../../../engine/policy/checks/', import.meta.url));

describe('the check registry', () => {
  it('registers every check file under its own file name', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3)).sort();
    expect([...checks.keys()].sort()).toEqual(files);
    for (const [name, c] of checks) expect(c.name).toBe(name);
  });

  it('has a test file for every check', () => {
    const tests = new Set(readdirSync(fileURLToPath(new URL('.', import.meta.url))));
    for (const name of checks.keys()) expect(tests.has(`${name}.test.ts`), `${name}.test.ts`).toBe(true);
  });
});
