import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dnsSchema } from '../../../engine/config/schema';
import { createResolver, DnsError } from '../../../engine/dns';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dns-index-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('createResolver', () => {
  it('zone mode: the zone file (relative to baseDir) under the inline records', async () => {
    fs.mkdirSync(path.join(dir, 'zones'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'zones', 'lab.zone'), [
      '$ORIGIN example.test.',
      '@ MX 10 file-mx',
      '  TXT "from the file"',
      'file-mx A 127.0.0.20',
    ].join('\n'));
    const cfg = dnsSchema.parse({
      mode: 'zone', zone_file: 'zones/lab.zone',
      records: { 'example.test': { MX: [[5, 'inline-mx.example.test']] }, '127.0.0.30': { PTR: ['inline-mx.example.test'] } },
    });
    const r = createResolver(cfg, dir);
    expect(await r.resolve('example.test', 'MX')).toEqual([{ exchange: 'inline-mx.example.test', priority: 5 }]);
    expect(await r.resolve('example.test', 'TXT')).toEqual([['from the file']]);
    expect(await r.resolve('file-mx.example.test', 'A')).toEqual(['127.0.0.20']);
    expect(await r.resolve('30.0.0.127.in-addr.arpa', 'PTR')).toEqual(['inline-mx.example.test']);
    await expect(r.resolve('gmail.com', 'MX')).rejects.toBeInstanceOf(DnsError);
  });

  it('names the zone file as configured in its errors', () => {
    fs.writeFileSync(path.join(dir, 'bad.zone'), '$ORIGIN example.test.\n\n@ MX 10\n');
    expect(() => createResolver(dnsSchema.parse({ mode: 'zone', zone_file: 'bad.zone' }), dir))
      .toThrow('bad.zone:3: MX needs a preference and an exchange');
    expect(() => createResolver(dnsSchema.parse({ mode: 'zone', zone_file: 'missing.zone' }), dir))
      .toThrow('missing.zone: cannot read the zone file (ENOENT)');
  });

  it('rejects bad inline records', () => {
    expect(() => createResolver(dnsSchema.parse({ mode: 'zone', records: { 'a.test': { A: ['nope'] } } }), dir))
      .toThrow("a.test: A 'nope' is not an IPv4 address");
  });
});
