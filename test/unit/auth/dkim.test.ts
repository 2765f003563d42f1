import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDnsRecorder, verifyDkim, type DkimSignatureVerdict } from '../../../engine/auth';
import { asMailauthResolver } from '../../../engine/dns/resolver.port';
import { edit, keyFor, keyRecords, message, prepend, signed, zone } from './helpers';

const rsa = keyFor('example.org', 'sel1');
const ed = keyFor('example.org', 'ed1', 'ed25519');
const lab = zone({
  ...keyRecords(rsa, ed),
  'nokeyv.example': { TXT: ['v=DKIM1; k=rsa; p='] },
  'garbage._domainkey.example.org': { TXT: ['v=DKIM1; k=rsa; p=bm90IGEga2V5IGF0IGFsbA=='] },
  'badver._domainkey.example.org': { TXT: [`v=DKIM2; k=rsa; ${rsa.txtRecord.slice(rsa.txtRecord.indexOf('p='))}`] },
  'slow._domainkey.example.org': { TIMEOUT: true },
  'fail._domainkey.example.org': { SERVFAIL: true },
});
const res = asMailauthResolver(lab);

async function verify(msg: Buffer, opts = {}) {
  return verifyDkim(msg, res, opts);
}
const only = async (msg: Buffer): Promise<DkimSignatureVerdict> => {
  const step = await verify(msg);
  expect(step.signatures).toHaveLength(1);
  return step.signatures[0] as DkimSignatureVerdict;
};

/** A signature header with these tags (b= is a fake value; none of these get to crypto). */
const fake = (tags: string) => `DKIM-Signature: ${tags}`;

describe('DKIM: signatures made here verify, and break the way they should', () => {
  it('rsa-sha256 2048: pass, with d, s, a, h, body hash and key size', async () => {
    const v = await only(await signed(message(), rsa));
    expect(v).toMatchObject({ result: 'pass', d: 'example.org', s: 'sel1', a: 'rsa-sha256', c: 'relaxed/relaxed', bodyHash: 'pass', keyType: 'rsa', keyBits: 2048 });
    expect(v.signedHeaders).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type']));
    expect(v.b8).toHaveLength(8);
    expect(v.keyRecord).toMatch(/^v=DKIM1;k=rsa;p=/);
  });

  it('ed25519-sha256: pass, key 256 bits', async () => {
    expect(await only(await signed(message(), ed))).toMatchObject({ result: 'pass', a: 'ed25519-sha256', keyType: 'ed25519', keyBits: 256, bodyHash: 'pass' });
  });

  it('body modified: fail (body hash did not verify)', async () => {
    const v = await only(edit(await signed(message(), rsa), 'See you at noon.', 'See you at one.'));
    expect(v).toMatchObject({ result: 'fail', reason: 'body hash did not verify', bodyHash: 'fail' });
  });

  it('signed header modified (a list tags the subject): fail, body hash still passes', async () => {
    const v = await only(edit(await signed(message(), rsa), 'Subject: Lunch', 'Subject: [list] Lunch'));
    expect(v).toMatchObject({ result: 'fail', reason: 'signature did not verify', bodyHash: 'pass' });
  });

  it('headers added above the signature, and bare-LF line ends, do not break it', async () => {
    const msg = await signed(message(), rsa);
    expect(await only(prepend(msg, 'Received: from x by y; Tue, 21 Nov 2023 10:15:03 +0100'))).toMatchObject({ result: 'pass' });
    expect(await only(Buffer.from(msg.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'))).toMatchObject({ result: 'pass' });
  });

  it('reads a message from a file stream in small chunks', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dkim-'));
    try {
      const file = path.join(dir, 'm.eml');
      fs.writeFileSync(file, await signed(message({ body: 'x'.repeat(200_000) + '\r\n' }), rsa));
      const step = await verifyDkim(fs.createReadStream(file, { highWaterMark: 1000 }), res);
      expect(step.signatures[0]).toMatchObject({ result: 'pass' });
      // a 6 MB body in 64 KiB chunks: every write waits for drain, and no listener is left behind
      fs.writeFileSync(file, await signed(message({ body: `${'y'.repeat(998)}\r\n`.repeat(6000) }), rsa));
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      try {
        const big = await verifyDkim(fs.createReadStream(file), res);
        expect(big.signatures[0]).toMatchObject({ result: 'pass', bodyHash: 'pass' });
        await new Promise((r) => setTimeout(r, 20));
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every signature in header order, and the From addresses for DMARC', async () => {
    const both = await signed(await signed(message(), rsa), ed);
    const step = await verify(both);
    expect(step.signatures.map((s) => [s.s, s.result])).toEqual([['ed1', 'pass'], ['sel1', 'pass']]);
    expect(step.from).toEqual({ fields: 1, addresses: ['bob@example.org'] });
  });

  it('an unsigned message has no signatures', async () => {
    expect((await verify(message())).signatures).toEqual([]);
  });

  it('t= and x= are kept; x= in the past: fail (signature expired)', async () => {
    const t = new Date('2023-01-01T00:00:00Z');
    const x = new Date('2023-01-08T00:00:00Z');
    const msg = await signed(message(), rsa, t, x);
    expect(await only(msg)).toMatchObject({ result: 'fail', reason: 'signature expired (x= is in the past)', signedAt: t.getTime(), expiresAt: x.getTime() });
    const step = await verifyDkim(msg, res, { now: new Date('2023-01-02T00:00:00Z') });
    expect(step.signatures[0]).toMatchObject({ result: 'pass' });
  });
});

describe('DKIM: malformed signatures are permerror, with the reason (RFC 6376 §6.1.1)', () => {
  const cases: [string, string, RegExp][] = [
    ['missing b=', 'v=1; a=rsa-sha256; d=example.org; s=sel1; h=from; bh=AAAA', /missing required tag b=/],
    ['missing d=', 'v=1; a=rsa-sha256; s=sel1; h=from; bh=AAAA; b=AAAA', /missing required tag d=/],
    ['wrong version', 'v=2; a=rsa-sha256; d=example.org; s=sel1; h=from; bh=AAAA; b=AAAA', /incompatible version/],
    ['unknown algorithm', 'v=1; a=rsa-md5; d=example.org; s=sel1; h=from; bh=AAAA; b=AAAA', /unsupported algorithm/],
    ['From not signed', 'v=1; a=rsa-sha256; d=example.org; s=sel1; h=to:subject; bh=AAAA; b=AAAA', /From field not signed/],
    ['i= outside d=', 'v=1; a=rsa-sha256; d=example.org; i=@evil.example; s=sel1; h=from; bh=AAAA; b=AAAA', /domain mismatch/],
    ['duplicate tag', 'v=1; a=rsa-sha256; d=example.org; d=evil.example; s=sel1; h=from; bh=AAAA; b=AAAA', /appears twice/],
    ['no equals sign', 'v=1; a=rsa-sha256; garbage; d=example.org', /tag without '='/],
    ['bad canonicalization', 'v=1; a=rsa-sha256; c=fancy/relaxed; d=example.org; s=sel1; h=from; bh=AAAA; b=AAAA', /canonicalization/],
    ['selector with spaces', 'v=1; a=rsa-sha256; d=example.org; s=a b; h=from; bh=AAAA; b=AAAA', /not a valid selector/],
    ['x before t', 'v=1; a=rsa-sha256; d=example.org; s=sel1; h=from; t=200; x=100; bh=AAAA; b=AAAA', /x= is earlier/],
    ['unknown query method', 'v=1; a=rsa-sha256; d=example.org; s=sel1; q=http; h=from; bh=AAAA; b=AAAA', /query method/],
  ];
  for (const [name, tags, why] of cases) {
    it(name, async () => {
      const v = await only(prepend(message(), fake(tags)));
      expect(v.result).toBe('permerror');
      expect(v.reason).toMatch(why);
    });
  }

  it('random well-formed-looking signatures never throw and never pass', async () => {
    const rnd = (n: number) => crypto.randomBytes(n).toString('base64');
    const algs = ['rsa-sha256', 'ed25519-sha256', 'rsa-sha1'];
    for (let i = 0; i < 25; i++) {
      const tags = `v=1; a=${algs[i % 3]}; c=${i % 2 ? 'simple' : 'relaxed/relaxed'}; d=example.org; s=${i % 4 ? 'sel1' : 'ed1'}; h=from:to${i % 5 ? ':subject' : ''}; l=${i * 3}; bh=${rnd(32)}; b=${rnd(i * 13)}`;
      const v = await only(prepend(message(), fake(tags)));
      expect(v.result).not.toBe('pass');
    }
  });

  it('an empty or binary DKIM-Signature does not throw', async () => {
    for (const h of ['DKIM-Signature:', 'DKIM-Signature: \x00\x01\xff;;;===', `DKIM-Signature: ${'a=b;'.repeat(5000)}`]) {
      const step = await verify(prepend(message(), h));
      expect(step.signatures[0]?.result).toBe('permerror');
    }
  });
});

describe('DKIM: key problems', () => {
  const withSelector = async (sel: string) => {
    const msg = await signed(message(), rsa);
    return only(Buffer.from(msg.toString('latin1').replace('s=sel1;', `s=${sel};`), 'latin1'));
  };

  it('no key record: permerror (no key)', async () => {
    expect(await withSelector('missing')).toMatchObject({ result: 'permerror', reason: expect.stringMatching(/no key for signature \(missing\._domainkey/) });
  });
  it('a key that is not a key: permerror', async () => {
    expect(await withSelector('garbage')).toMatchObject({ result: 'permerror', reason: expect.stringMatching(/key/) });
  });
  it('a key record of another version: permerror', async () => {
    expect(await withSelector('badver')).toMatchObject({ result: 'permerror', reason: expect.stringMatching(/unknown key version/) });
  });
  it('key lookup timeout or SERVFAIL: temperror', async () => {
    expect(await withSelector('slow')).toMatchObject({ result: 'temperror', reason: expect.stringMatching(/ETIMEOUT/) });
    expect(await withSelector('fail')).toMatchObject({ result: 'temperror', reason: expect.stringMatching(/ESERVFAIL/) });
  });
  it('an RSA key shorter than the minimum: policy (RFC 8301)', async () => {
    const weak = keyFor('weak.example', 'old', 'rsa', 1024);
    const z = asMailauthResolver(zone(keyRecords(weak)));
    const step = await verifyDkim(await signed(message({ from: 'a@weak.example' }), weak), z, { minBitLength: 2048 });
    expect(step.signatures[0]).toMatchObject({ result: 'policy', reason: expect.stringMatching(/too short/) });
  });
  it('a key record of the wrong type for the signature: not a pass', async () => {
    // ed25519 signature checked against the RSA key published under its selector
    const msg = await signed(message(), ed);
    const v = await only(Buffer.from(msg.toString('latin1').replace('s=ed1;', 's=sel1;'), 'latin1'));
    expect(v.result).not.toBe('pass');
  });
});

describe('DKIM: limits', () => {
  it('a header block over the cap is skipped, not buffered', async () => {
    const huge = prepend(message(), `X-Filler: ${'y'.repeat(3000)}`);
    const step = await verifyDkim(huge, res, { maxHeaderBytes: 1000 });
    expect(step).toMatchObject({ skipped: 'header block larger than 1000 bytes', signatures: [] });
  });

  it('a message of endless headers (no body) is skipped at the cap', async () => {
    async function* endless() { for (let i = 0; i < 100_000; i++) yield Buffer.from(`X-H${i}: ${'z'.repeat(100)}\r\n`); }
    const { Readable } = await import('node:stream');
    const step = await verifyDkim(Readable.from(endless()), res, { maxHeaderBytes: 64 * 1024 });
    expect(step.skipped).toMatch(/larger than 65536/);
  });

  it('an unsigned message: only the header block is read', async () => {
    let pulled = 0;
    async function* source() {
      yield message({ body: '' });
      for (let i = 0; i < 1000; i++) { pulled++; yield Buffer.alloc(1024, 0x61); }
      throw new Error('the body was read to the end');
    }
    const { Readable } = await import('node:stream');
    const step = await verifyDkim(Readable.from(source()), res);
    expect(step).toMatchObject({ signatures: [], from: { fields: 1 } });
    expect(step.skipped).toBeUndefined();
    expect(pulled).toBeLessThan(100);
  });

  it('only the first N signatures are verified (one key lookup each)', async () => {
    let msg = message();
    for (let i = 0; i < 5; i++) msg = await signed(msg, rsa);
    const rec = createDnsRecorder(lab);
    const step = await verifyDkim(msg, rec.forPhase('dkim'), { maxSignatures: 2 });
    expect(step.signatures.map((s) => s.result)).toEqual(['pass', 'pass', 'neutral', 'neutral', 'neutral']);
    expect(step.signatures[4]?.reason).toMatch(/only the first 2/);
    expect(rec.queries).toHaveLength(2);
  });
});
