// Mail authentication across hops, with the engine's real parts around it: keys written to disk by
// writeDkimKey and found again by findSigningKey, the DNS resolver built by createResolver from a
// zone config (BIND master file test/fixtures/zones/auth-lab.zone + inline key records), messages
// kept in files and read back as streams at every hop, the SRS secret file in a data dir.
// Hops: origin.example (signs) → fwd.example (verifies, SRS, ARC seal) / lists.example (edits the
// subject, ARC seal) → dest.example (verifies and decides).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsSchema } from '../../engine/config/schema';
import { createResolver, type Resolver } from '../../engine/dns';
import {
  arcSeal, authenticate, decidePolicy, findSigningKey, signMessage, stripForgedAuthResults, writeDkimKey,
  type AuthPolicyConfig, type AuthVerdict,
} from '../../engine/auth';
import { createSrs, loadSrsSecrets } from '../../engine/srs';

const ZONE_FILE = path.join(__dirname, '../fixtures/zones/auth-lab.zone');
const policy: AuthPolicyConfig = { dmarc: 'enforce', spf_fail: 'accept', temperror: 'defer' };
const publicClient = { authenticated: false, net: 'public' as const };

let dir: string;
let keysDir: string;
let resolver: Resolver;
let n = 0;

/** Write `prefix` then the contents of `src` (streamed) to a new file in the test dir. */
async function hopFile(prefix: string, src: string): Promise<string> {
  const file = path.join(dir, `msg-${++n}.eml`);
  fs.writeFileSync(file, prefix, 'latin1');
  await pipeline(fs.createReadStream(src), fs.createWriteStream(file, { flags: 'a' }));
  return file;
}

const read = (file: string) => fs.createReadStream(file, { highWaterMark: 4096 });
const lines = (...h: string[]) => h.map((x) => `${x}\r\n`).join('');

async function receive(file: string, hostname: string, ip: string, sender: string, helo: string): Promise<AuthVerdict> {
  return authenticate({ message: read(file), ip, helo, sender, hostname, resolver });
}

/** origin.example's submission service: sign with the key found for the From domain. */
async function originSends(subject = 'Quarterly numbers', from = 'bob@origin.example'): Promise<string> {
  const body = path.join(dir, `body-${++n}.eml`);
  fs.writeFileSync(body, [
    `From: Bob <${from}>`, 'To: carol@fwd.example', `Subject: ${subject}`, 'Date: Tue, 21 Nov 2023 10:15:02 +0100',
    `Message-ID: <${n}@origin.example>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii', '',
    ...Array.from({ length: 2000 }, (_, i) => `Line ${i} of the report, long enough to span several stream chunks.`), '',
  ].join('\r\n'));
  const key = findSigningKey(keysDir, from.split('@')[1] as string);
  if (!key) throw new Error('no signing key');
  const s = await signMessage({ message: read(body), domain: key.domain, selector: key.selector, privateKey: key.privateKeyPem });
  if (!s.ok) throw new Error(s.error);
  return hopFile(lines(s.header), body);
}

/** A forwarding hop: verify as received, prepend our trace headers, seal, and rewrite the sender with SRS. */
async function forward(file: string, hop: { hostname: string; sealer: string; sender: string; ip: string; helo: string; srs: boolean; edit?: (text: string) => string }) {
  const verdict = await receive(file, hop.hostname, hop.ip, hop.sender, hop.helo);
  let src = file;
  if (hop.edit) {
    src = path.join(dir, `edited-${++n}.eml`);
    fs.writeFileSync(src, hop.edit(fs.readFileSync(file, 'latin1')), 'latin1');
  }
  const traced = await hopFile(lines(verdict.headers.authenticationResults, verdict.headers.receivedSpf,
    `Received: from ${hop.helo} by ${hop.hostname} (Relay Lab); Tue, 21 Nov 2023 10:15:03 +0100`), src);
  const key = findSigningKey(keysDir, hop.sealer);
  if (!key) throw new Error('no sealing key');
  const seal = await arcSeal({ message: read(traced), verdict, signingDomain: key.domain, selector: key.selector, privateKey: key.privateKeyPem });
  if (!seal.sealed) throw new Error(seal.reason);
  const out = await hopFile(lines(seal.headers), traced);
  const srs = createSrs({ secrets: loadSrsSecrets(path.join(dir, 'data')), domain: hop.sealer, localDomains: [hop.sealer] });
  const f = hop.srs ? srs.forward(hop.sender) : undefined;
  return { verdict, file: out, sender: f?.rewritten ? f.address : hop.sender, srs };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-hops-'));
  keysDir = path.join(dir, 'dkim');
  const keys = [
    writeDkimKey(keysDir, 'origin.example', 's2026'),
    writeDkimKey(keysDir, 'fwd.example', 'arc1'),
    writeDkimKey(keysDir, 'lists.example', 'arc1'),
  ];
  const cfg = dnsSchema.parse({
    mode: 'zone', zone_file: ZONE_FILE,
    records: Object.fromEntries(keys.map((k) => [k.txtName, { TXT: [k.txtStrings] }])),
  });
  resolver = createResolver(cfg, dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('origin → dest directly', () => {
  it('passes everything; a forged From from elsewhere is rejected in session', async () => {
    const good = await receive(await originSends(), 'mx.dest.example', '127.0.0.10', 'bob@origin.example', 'mail.origin.example');
    expect([good.spf.result, good.dkim[0]?.result, good.dmarc.result]).toEqual(['pass', 'pass', 'pass']);

    const forgedFile = path.join(dir, 'forged.eml');
    fs.writeFileSync(forgedFile, 'Authentication-Results: mx.dest.example; dmarc=pass header.from=origin.example\r\nFrom: Bob <bob@origin.example>\r\nTo: x@dest.example\r\nSubject: urgent\r\n\r\npay now\r\n');
    // dest strips the A-R that claims its own name before anything else (RFC 8601 §5)
    const stripped = stripForgedAuthResults(fs.readFileSync(forgedFile, 'latin1'), 'mx.dest.example');
    expect(stripped.removed).toBe(1);
    fs.writeFileSync(forgedFile, stripped.headers, 'latin1');
    const bad = await receive(forgedFile, 'mx.dest.example', '127.0.0.66', 'x@spam.example', 'spam.example');
    expect(bad.dmarc).toMatchObject({ result: 'fail', disposition: 'reject' });
    expect(decidePolicy(bad, policy, publicClient)).toMatchObject({ action: 'reject', code: 550, status: '5.7.1', text: 'rejected by DMARC policy for origin.example' });
  });
});

describe('origin → fwd → dest', () => {
  it('without SRS: SPF fails at dest, DMARC passes on the surviving DKIM signature', async () => {
    const hop = await forward(await originSends(), { hostname: 'mx.fwd.example', sealer: 'fwd.example', sender: 'bob@origin.example', ip: '127.0.0.10', helo: 'mail.origin.example', srs: false });
    expect(hop.verdict.dmarc.result).toBe('pass');
    const v = await receive(hop.file, 'mx.dest.example', '127.0.0.20', hop.sender, 'mx.fwd.example');
    expect(v.spf).toMatchObject({ result: 'fail', domain: 'origin.example' });
    expect(v.dkim[0]).toMatchObject({ result: 'pass', d: 'origin.example' });
    expect(v.dmarc).toMatchObject({ result: 'pass', spf: { aligned: true, counts: false } });
    expect(v.arc).toMatchObject({ result: 'pass', sets: [{ seal: { d: 'fwd.example' } }] });
    expect(decidePolicy(v, policy, publicClient).action).toBe('accept');
  });

  it('with SRS: SPF passes for fwd.example, DMARC passes on DKIM, and a bounce to the SRS address goes back to bob', async () => {
    const hop = await forward(await originSends(), { hostname: 'mx.fwd.example', sealer: 'fwd.example', sender: 'bob@origin.example', ip: '127.0.0.10', helo: 'mail.origin.example', srs: true });
    expect(hop.sender).toMatch(/^SRS0=[A-Za-z0-9_-]{4}=[A-Z2-7]{2}=origin\.example=bob@fwd\.example$/);
    const v = await receive(hop.file, 'mx.dest.example', '127.0.0.20', hop.sender, 'mx.fwd.example');
    expect(v.spf).toMatchObject({ result: 'pass', domain: 'fwd.example', mechanism: 'ip4:127.0.0.20' });
    expect(v.dmarc).toMatchObject({ result: 'pass', spf: { aligned: false }, dkim: [{ counts: true }] });
    expect(v.arc.latestAuthResults).toMatchObject({ authservId: 'mx.fwd.example', dmarc: expect.stringMatching(/^dmarc=pass/) });
    expect(hop.srs.reverse(hop.sender)).toMatchObject({ ok: true, address: 'bob@origin.example' });
    expect(hop.srs.reverse(hop.sender.replace('=bob@', '=mallory@'))).toMatchObject({ ok: false, code: 'hash' });
  });
});

describe('origin → lists (subject edited) → dest', () => {
  it('DKIM breaks, DMARC fails, ARC explains; a trusted list is accepted', async () => {
    const hop = await forward(await originSends('Weekly digest'), {
      hostname: 'mx.lists.example', sealer: 'lists.example', sender: 'bob@origin.example', ip: '127.0.0.10', helo: 'mail.origin.example', srs: false,
      edit: (t) => t.replace('Subject: Weekly digest', 'Subject: [staff] Weekly digest'),
    });
    const v = await receive(hop.file, 'mx.dest.example', '127.0.0.30', 'staff-bounces@lists.example', 'mx.lists.example');
    expect(v.spf.result).toBe('pass');
    expect(v.dkim[0]).toMatchObject({ result: 'fail', reason: 'signature did not verify', bodyHash: 'pass' });
    expect(v.dmarc).toMatchObject({ result: 'fail', disposition: 'reject' });
    expect(v.arc).toMatchObject({ result: 'pass', latestAuthResults: { authservId: 'mx.lists.example' } });
    expect(v.arc.latestAuthResults?.dkim[0]).toMatch(/^dkim=pass header\.d=origin\.example/);
    expect(decidePolicy(v, policy, publicClient)).toMatchObject({ action: 'reject' });
    expect(decidePolicy(v, { ...policy, trusted_arc_sealers: ['lists.example'] }, publicClient)).toMatchObject({ action: 'accept' });
    expect(v.dnsQueries.map((q) => q.phase)).toEqual(expect.arrayContaining(['spf', 'dkim', 'arc', 'dmarc']));
  });
});
