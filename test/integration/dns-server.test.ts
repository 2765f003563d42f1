// The system resolver against a real DNS server (dnsmasq on 127.0.0.53) and against servers that
// never answer or refuse the port. Nothing here can reach a non-loopback address.
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsSchema } from '../../engine/config/schema';
import { createResolver, createSystemResolver, DnsError, type DnsQueryRecord, type Resolver } from '../../engine/dns';
import { silentServer, skipWithoutDnsmasq, startDnsmasq, type Dnsmasq } from '../helpers/dnsmasq';

const DATA = [
  '--local=/example.test/', // unknown names under example.test are NXDOMAIN, not REFUSED
  '--local-ttl=300',
  '--mx-host=example.test,mx1.example.test,10',
  '--mx-host=example.test,mx2.example.test,20',
  '--mx-host=nullmx.example.test,.,0', // RFC 7505 null MX
  '--host-record=mx1.example.test,127.0.0.11,fd00::11',
  '--host-record=mx2.example.test,127.0.0.12',
  '--txt-record=example.test,v=spf1 ip4:127.0.0.11 -all',
  '--txt-record=multi.example.test,part one,part two',
  '--cname=alias.example.test,mx1.example.test',
];

async function failure(p: Promise<unknown>): Promise<DnsError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DnsError);
  return err as DnsError;
}

function recording(r: Resolver): DnsQueryRecord[] {
  const seen: DnsQueryRecord[] = [];
  r.onQuery((q) => seen.push(q));
  return seen;
}

describe.skipIf(skipWithoutDnsmasq)('system resolver against dnsmasq', () => {
  let dm: Dnsmasq;
  beforeAll(async () => { dm = await startDnsmasq(DATA); }); // throws INSTALL_HINT in CI without dnsmasq
  afterAll(async () => { await dm?.stop(); });
  const make = () => createSystemResolver({ servers: [dm.server], timeoutMs: 2000, tries: 2, cacheTtlMs: 300_000 });

  it('answers MX with priorities, A, AAAA, TXT and a CNAME chain', async () => {
    const r = make();
    const mx = await r.resolve('example.test', 'MX');
    expect(mx.sort((a, b) => a.priority - b.priority)).toEqual([
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ]);
    expect(await r.resolve('nullmx.example.test', 'MX')).toEqual([{ exchange: '', priority: 0 }]); // as the zone gives it
    expect(await r.resolve('mx1.example.test', 'A')).toEqual(['127.0.0.11']);
    expect(await r.resolve('MX1.Example.Test.', 'AAAA')).toEqual(['fd00::11']);
    expect(await r.resolve('example.test', 'TXT')).toEqual([['v=spf1 ip4:127.0.0.11 -all']]);
    expect(await r.resolve('multi.example.test', 'TXT')).toEqual([['part one', 'part two']]);
    expect(await r.resolve('alias.example.test', 'CNAME')).toEqual(['mx1.example.test']);
    expect(await r.reverse('fd00::11')).toEqual(['mx1.example.test']);
    r.close?.();
  });

  it('maps NXDOMAIN to ENOTFOUND, NODATA to ENODATA, REFUSED to EREFUSED', async () => {
    const r = make();
    const nx = await failure(r.resolve('nope.example.test', 'MX'));
    expect([nx.code, nx.hostname, nx.rrtype, nx.isNotFound, nx.isTemporary]).toEqual(['ENOTFOUND', 'nope.example.test', 'MX', true, false]);
    const nodata = await failure(r.resolve('mx2.example.test', 'AAAA'));
    expect([nodata.code, nodata.isNotFound]).toEqual(['ENODATA', true]);
    const refused = await failure(r.resolve('outside.invalid', 'A')); // dnsmasq has no upstream
    expect([refused.code, refused.isTemporary]).toEqual(['EREFUSED', true]);
    r.close?.();
  });

  it('answers the second query from the cache and says so', async () => {
    const r = make();
    const seen = recording(r);
    await r.resolve('example.test', 'MX');
    const again = await r.resolve('Example.Test.', 'MX');
    await failure(r.resolve('nope.example.test', 'A'));
    await failure(r.resolve('nope.example.test', 'A'));
    expect(again).toHaveLength(2);
    expect(seen.map((q) => [q.name, q.type, q.source, q.error])).toEqual([
      ['example.test', 'MX', 'system', undefined],
      ['example.test', 'MX', 'cache', undefined],
      ['nope.example.test', 'A', 'system', 'ENOTFOUND'],
      ['nope.example.test', 'A', 'cache', 'ENOTFOUND'],
    ]);
    expect(seen[1]?.answer).toEqual(seen[0]?.answer);
    r.close?.();
  });

  it('overlay mode: listed names are final, others go to the server', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dns-overlay-'));
    fs.writeFileSync(path.join(dir, 'lab.zone'), '$ORIGIN example.test.\nlisted IN A 127.0.0.50\n');
    const cfg = dnsSchema.parse({
      mode: 'overlay', servers: [dm.server], zone_file: 'lab.zone',
      records: { 'example.test': { MX: [[5, 'lab-mx.example.test']] }, 'gone.example.test': { SERVFAIL: true } },
    });
    const r = createResolver(cfg, dir);
    const seen = recording(r);
    expect(await r.resolve('example.test', 'MX')).toEqual([{ exchange: 'lab-mx.example.test', priority: 5 }]);
    expect((await failure(r.resolve('example.test', 'TXT'))).code).toBe('ENODATA'); // the server has one
    expect((await failure(r.resolve('gone.example.test', 'A'))).code).toBe('ESERVFAIL');
    expect(await r.resolve('listed.example.test', 'A')).toEqual(['127.0.0.50']);
    expect(await r.resolve('mx1.example.test', 'A')).toEqual(['127.0.0.11']);
    expect((await failure(r.resolve('nope.example.test', 'A'))).code).toBe('ENOTFOUND');
    expect(seen.map((q) => `${q.source} ${q.name}`)).toEqual([
      'zone example.test', 'zone example.test', 'zone gone.example.test', 'zone listed.example.test',
      'system mx1.example.test', 'system nope.example.test',
    ]);
    r.close?.();
    fs.rmSync(dir, { recursive: true });
  });
});

describe('system resolver against servers that do not answer', () => {
  it('gives ETIMEOUT within timeout x tries', async () => {
    const silent = await silentServer();
    const r = createSystemResolver({ servers: [silent.server], timeoutMs: 300, tries: 2, cacheTtlMs: 300_000 });
    const seen = recording(r);
    const t0 = Date.now();
    const err = await failure(r.resolve('slow.example.test', 'MX'));
    const elapsed = Date.now() - t0;
    expect([err.code, err.isTemporary]).toEqual(['ETIMEOUT', true]);
    expect(elapsed).toBeGreaterThanOrEqual(250); // it did wait for the server
    expect(elapsed).toBeLessThan(300 * 2 + 2500); // hang guard: c-ares defaults alone would take 14 s or more
    expect(silent.packets()).toBeGreaterThanOrEqual(1);
    await failure(r.resolve('slow.example.test', 'MX'));
    expect(seen.map((q) => [q.source, q.error])).toEqual([['system', 'ETIMEOUT'], ['system', 'ETIMEOUT']]); // never cached
    r.close?.();
    silent.close();
  });

  it('gives ECONNREFUSED when nothing listens on the port', async () => {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((ok) => sock.bind(0, '127.0.0.1', ok));
    const server = `127.0.0.1:${sock.address().port}`;
    await new Promise<void>((ok) => sock.close(ok));
    const r = createSystemResolver({ servers: [server], timeoutMs: 1000, tries: 1, cacheTtlMs: 300_000 });
    expect((await failure(r.resolve('example.test', 'A'))).code).toBe('ECONNREFUSED');
    r.close?.();
  });

  it('sends no query for a bad name or a loopback reverse', async () => {
    const silent = await silentServer();
    const r = createSystemResolver({ servers: [silent.server], timeoutMs: 300, tries: 1, cacheTtlMs: 300_000 });
    const seen = recording(r);
    for (const bad of ['a..example.test', '.example.test', `${'x'.repeat(64)}.test`, `${'abcdefghi.'.repeat(25)}test`, 'white space.test', '']) {
      const err = await failure(r.resolve(bad, 'A'));
      expect([err.code, err.isTemporary]).toEqual(['EBADNAME', false]);
    }
    expect((await failure(r.reverse('not-an-ip'))).code).toBe('EBADNAME');
    for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.5']) {
      expect(await r.reverse(ip)).toEqual(['localhost']);
    }
    expect(silent.packets()).toBe(0);
    expect(seen.map((q) => q.error)).toEqual(Array(7).fill('EBADNAME'));
    r.close?.();
    silent.close();
  });

  it('rejects bad settings with a clear error', () => {
    expect(() => createSystemResolver({ servers: ['not an address'], timeoutMs: 300, tries: 1, cacheTtlMs: 0 })).toThrow(/dns servers/);
    expect(() => createSystemResolver({ servers: ['127.0.0.1'], timeoutMs: 0, tries: 1, cacheTtlMs: 0 })).toThrow(/timeout/);
  });
});
