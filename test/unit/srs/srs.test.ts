import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSrs, decodeStamp, encodeStamp, loadSrsSecrets, parseSrsSecrets, stampValid } from '../../../engine/srs';

// postsrsd's unit-test vector (MTA-SEMANTICS §6.1): secret tops3cr3t, 2020-01-01 00:01 UTC.
const T = 1577836860;
const DAY = 86400;
const at = (t: number) => () => t;

describe('SRS: postsrsd test vector', () => {
  it('forwards test@otherdomain.com via example.com as SRS0=vmyz=2W=...', () => {
    const srs = createSrs({ secrets: ['tops3cr3t'], domain: 'example.com', now: at(T) });
    expect(srs.forward('test@otherdomain.com')).toEqual({ rewritten: true, kind: 'SRS0', address: 'SRS0=vmyz=2W=otherdomain.com=test@example.com' });
  });

  it('re-forwards that SRS0 address via forward.example as SRS1=JO9m=...', () => {
    const srs = createSrs({ secrets: ['tops3cr3t'], domain: 'forward.example', now: at(T) });
    expect(srs.forward('SRS0=vmyz=2W=otherdomain.com=test@example.com')).toEqual({
      rewritten: true, kind: 'SRS1', address: 'SRS1=JO9m=example.com==vmyz=2W=otherdomain.com=test@forward.example',
    });
  });

  it('reverses both: SRS1 back to the first forwarder, SRS0 to the original sender', () => {
    const srs = createSrs({ secrets: ['tops3cr3t'], domain: 'example.com', now: at(T) });
    expect(srs.reverse('SRS1=JO9m=example.com==vmyz=2W=otherdomain.com=test@forward.example'))
      .toEqual({ ok: true, kind: 'SRS1', address: 'SRS0=vmyz=2W=otherdomain.com=test@example.com' });
    expect(srs.reverse('SRS0=vmyz=2W=otherdomain.com=test@example.com')).toEqual({ ok: true, kind: 'SRS0', address: 'test@otherdomain.com' });
  });
});

describe('SRS: day stamp', () => {
  it('is floor(t/86400) mod 1024 in base32, high bits first', () => {
    expect(encodeStamp(T)).toBe('2W'); // day 18262 → 854 = 26*32 + 22
    expect(decodeStamp('2W')).toBe(854);
    expect(decodeStamp('2w')).toBe(854);
    expect(decodeStamp('2!')).toBeUndefined();
    expect(encodeStamp(0)).toBe('AA');
  });

  it('accepts 0..21 days old and wraps at 1024 days', () => {
    expect(stampValid('2W', T, 21)).toBe(true);
    expect(stampValid('2W', T + 21 * DAY, 21)).toBe(true);
    expect(stampValid('2W', T + 22 * DAY, 21)).toBe(false);
    expect(stampValid('2W', T - DAY, 21)).toBe(false); // from the future
    const day1023 = 1023 * DAY;
    expect(stampValid(encodeStamp(day1023), 1024 * DAY + 2 * DAY, 21)).toBe(true); // across the wrap
  });
});

describe('SRS: reverse checks', () => {
  const srs = createSrs({ secrets: ['tops3cr3t'], domain: 'example.com', now: at(T) });

  it('compares the hash case-insensitively, and the tag and stamp too', () => {
    expect(srs.reverse('srs0=VMYZ=2w=otherdomain.com=test@EXAMPLE.COM')).toMatchObject({ ok: true, address: 'test@otherdomain.com' });
    expect(srs.reverse('srs1=jo9m=example.com==vmyz=2W=otherdomain.com=test@forward.example')).toMatchObject({ ok: true });
  });

  it('accepts + and - after the tag', () => {
    const plus = createSrs({ secrets: ['tops3cr3t'], domain: 'example.com', separator: '+', now: at(T) });
    const fwd = plus.forward('test@otherdomain.com');
    expect(fwd).toMatchObject({ rewritten: true, address: 'SRS0+vmyz=2W=otherdomain.com=test@example.com' });
    expect(srs.reverse('SRS0+vmyz=2W=otherdomain.com=test@example.com')).toMatchObject({ ok: true, address: 'test@otherdomain.com' });
    expect(srs.reverse('SRS0-vmyz=2W=otherdomain.com=test@example.com')).toMatchObject({ ok: true });
  });

  it('refuses a forged hash, an old stamp, a short hash and bad syntax', () => {
    expect(srs.reverse('SRS0=abcd=2W=otherdomain.com=test@example.com')).toMatchObject({ ok: false, code: 'hash' });
    expect(srs.reverse('SRS0=vmyz=2W=otherdomain.com=victim@example.com')).toMatchObject({ ok: false, code: 'hash' });
    expect(srs.reverse('SRS0=vmy=2W=otherdomain.com=test@example.com')).toMatchObject({ ok: false, code: 'hash' });
    const later = createSrs({ secrets: ['tops3cr3t'], domain: 'example.com', now: at(T + 22 * DAY) });
    expect(later.reverse('SRS0=vmyz=2W=otherdomain.com=test@example.com')).toMatchObject({ ok: false, code: 'expired' });
    expect(srs.reverse('SRS0=vmyz=!!=otherdomain.com=test@example.com')).toMatchObject({ ok: false, code: 'expired' });
    expect(srs.reverse('SRS0=vmyz=2W=otherdomain.com@example.com')).toMatchObject({ ok: false, code: 'syntax' });
    expect(srs.reverse('SRS1=JO9m@example.com')).toMatchObject({ ok: false, code: 'syntax' });
    expect(srs.reverse('SRS1=XXXX=example.com==vmyz=2W=otherdomain.com=test@forward.example')).toMatchObject({ ok: false, code: 'hash' });
    expect(srs.reverse('bob@example.com')).toMatchObject({ ok: false, code: 'not-srs' });
    expect(srs.reverse('SRS0=@')).toMatchObject({ ok: false, code: 'not-srs' });
  });

  it('a tampered SRS1 host does not verify (the hash covers it)', () => {
    expect(srs.reverse('SRS1=JO9m=evil.example==vmyz=2W=otherdomain.com=test@forward.example')).toMatchObject({ ok: false, code: 'hash' });
  });
});

describe('SRS: secrets and rotation', () => {
  it('signs with the first secret and verifies with any', () => {
    const old = createSrs({ secrets: ['old-secret'], domain: 'example.com', now: at(T) });
    const address = (old.forward('a@b.example') as { address: string }).address;
    const rotated = createSrs({ secrets: ['new-secret', 'old-secret'], domain: 'example.com', now: at(T) });
    expect(rotated.reverse(address)).toMatchObject({ ok: true, address: 'a@b.example' });
    const fresh = rotated.forward('a@b.example') as { address: string };
    expect(fresh.address).not.toBe(address);
    expect(old.reverse(fresh.address)).toMatchObject({ ok: false, code: 'hash' });
  });

  it('needs a secret and a domain', () => {
    expect(() => createSrs({ secrets: [], domain: 'x.example' })).toThrow(/secret/);
    expect(() => createSrs({ secrets: [''], domain: 'x.example' })).toThrow(/secret/);
    expect(() => createSrs({ secrets: ['s'], domain: '' })).toThrow(/domain/);
  });
});

describe('SRS: what is not rewritten', () => {
  const srs = createSrs({ secrets: ['s'], domain: 'srs.example.net', localDomains: ['example.net'], now: at(T) });

  it('keeps null senders, local senders, senders at the SRS domain and addresses without a domain', () => {
    expect(srs.forward('')).toMatchObject({ rewritten: false, reason: 'null sender' });
    expect(srs.forward('me@EXAMPLE.net')).toMatchObject({ rewritten: false, reason: expect.stringMatching(/our domains/) });
    expect(srs.forward('x@srs.example.net')).toMatchObject({ rewritten: false, reason: expect.stringMatching(/already/) });
    expect(srs.forward('nodomain')).toMatchObject({ rewritten: false });
    const always = createSrs({ secrets: ['s'], domain: 'srs.example.net', alwaysRewrite: true, now: at(T) });
    expect(always.forward('x@srs.example.net')).toMatchObject({ rewritten: true });
  });

  it('keeps a sender whose SRS form would not fit in 64 octets', () => {
    const long = `${'a'.repeat(40)}@${'b'.repeat(20)}.example`;
    expect(srs.forward(long)).toMatchObject({ rewritten: false, reason: expect.stringMatching(/64/) });
  });

  it('recognizes SRS addresses', () => {
    expect(srs.isSrs('SRS0=x=y=z=w@a.example')).toBe(true);
    expect(srs.isSrs('srs1+x=y==z@a.example')).toBe(true);
    expect(srs.isSrs('srs2=x@a.example')).toBe(false);
    expect(srs.isSrs('bob@a.example')).toBe(false);
  });
});

describe('SRS secret file', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
  const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-')); dirs.push(d); return d; };

  it('is created once, mode 0600, with one random secret, and read back the same', () => {
    const dir = tmp();
    const first = loadSrsSecrets(dir);
    expect(first).toHaveLength(1);
    expect((first[0] as string).length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(dir, 'srs.secret')).mode & 0o777).toBe(0o600);
    expect(loadSrsSecrets(dir)).toEqual(first);
    expect(loadSrsSecrets(tmp())).not.toEqual(first);
  });

  it('keeps several secrets in order, ignoring comments and blank lines; empty file is an error', () => {
    expect(parseSrsSecrets('# rotate\nnew\n\n  old  \r\n')).toEqual(['new', 'old']);
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'srs.secret'), '# nothing\n\n');
    expect(() => loadSrsSecrets(dir)).toThrow(/has no secret/);
  });
});
