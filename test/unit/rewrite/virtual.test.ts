// virtual(5) expansion against real texthash/regexp files (MTA-SEMANTICS §3.4).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable } from '../../../engine/tables';
import { expandVirtual } from '../../../engine/rewrite/virtual';

function tables(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-virtual-'));
  return Object.entries(files).map(([spec, text]) => {
    const [type, name] = spec.split(':') as [string, string];
    fs.writeFileSync(path.join(dir, name), text);
    return openTable(`${type}:${name}`, { baseDir: dir });
  });
}
const opts = (t: ReturnType<typeof tables>) => ({ tables: t, isLocalDomain: (d: string) => d === 'relaylab.test', myorigin: 'relaylab.test', delimiter: '+' });
const rcpts = (e: Awaited<ReturnType<typeof expandVirtual>>) => (e.ok ? e.recipients.map((r) => r.rcpt) : e);

describe('expandVirtual', () => {
  it('expands recursively and one-to-many, recording table, key and line', async () => {
    const t = tables({ 'texthash:virtual': '# aliases\nteam@example.test  ann@relaylab.test, bob@example.test\nbob@example.test  bob@relaylab.test\n' });
    const e = await expandVirtual('team@example.test', opts(t));
    expect(rcpts(e)).toEqual(['ann@relaylab.test', 'bob@relaylab.test']);
    expect(e.steps[0]).toMatchObject({ address: 'team@example.test', table: 'texthash:virtual', key: 'team@example.test', line: 2 });
  });

  it('keeps an address that expands to itself, once', async () => {
    const t = tables({ 'texthash:virtual': 'ann@example.test  ann@example.test, archive@relaylab.test\n' });
    expect(rcpts(await expandVirtual('ann@example.test', opts(t)))).toEqual(['ann@example.test', 'archive@relaylab.test']);
  });

  it('tries user+ext@d, user@d (propagating +ext), then @d catch-all, in that order', async () => {
    const t = tables({ 'texthash:virtual': 'joe@example.test  joe@relaylab.test\n@example.test  catchall@relaylab.test\n' });
    expect(rcpts(await expandVirtual('joe+news@example.test', opts(t)))).toEqual(['joe+news@relaylab.test']);
    expect(rcpts(await expandVirtual('zed@example.test', opts(t)))).toEqual(['catchall@relaylab.test']);
  });

  it('a result "@domain" keeps the local part', async () => {
    const t = tables({ 'texthash:virtual': '@old.example  @relaylab.test\n' });
    expect(rcpts(await expandVirtual('carol@old.example', opts(t)))).toEqual(['carol@relaylab.test']);
  });

  it('uses the bare local part only for our own domains', async () => {
    const t = tables({ 'texthash:virtual': 'postmaster  admin@example.test\n' });
    expect(rcpts(await expandVirtual('postmaster@relaylab.test', opts(t)))).toEqual(['admin@example.test']);
    expect(rcpts(await expandVirtual('postmaster@other.test', opts(t)))).toEqual(['postmaster@other.test']);
  });

  it('asks a regexp table one full-address query, with $1 substitution', async () => {
    const t = tables({ 'regexp:virtual.re': '/^(.*)-list@example\\.test$/  $1@relaylab.test\n' });
    expect(rcpts(await expandVirtual('dev-list@example.test', opts(t)))).toEqual(['dev@relaylab.test']);
  });

  it('a lookup error defers (4.3.0), never "not found"; a loop past the limits defers (4.6.0)', async () => {
    const broken = tables({ 'texthash:bad': 'team@example.test\n' }); // a key without a value: the table fails to parse
    const e = await expandVirtual('team@example.test', opts(broken));
    expect(e).toMatchObject({ ok: false, status: '4.3.0' });
    const many = tables({ 'texthash:virtual': `big@example.test  ${Array.from({ length: 20 }, (_, i) => `u${i}@relaylab.test`).join(', ')}\n` });
    expect(await expandVirtual('big@example.test', { ...opts(many), expansionLimit: 10 })).toMatchObject({ ok: false, status: '4.6.0' });
  });
});
