import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dkimKeygen, dkimTxtRecord, findSigningKey, fromHeaderDomain, signMessage, signOutgoing, verifyDkim, writeDkimKey } from '../../../engine/auth';
import { asMailauthResolver } from '../../../engine/dns/resolver.port';
import { keyRecords, message, zone } from './helpers';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dkimkeys-')); dirs.push(d); return d; };

describe('dkimKeygen and the TXT record', () => {
  it('RSA 2048 by default: p= is the SubjectPublicKeyInfo, split in 255-octet strings', () => {
    const k = dkimKeygen('Example.ORG.', 'sel1');
    expect(k).toMatchObject({ domain: 'example.org', selector: 'sel1', type: 'rsa', txtName: 'sel1._domainkey.example.org' });
    expect(k.txtRecord).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    const p = k.txtRecord.slice(k.txtRecord.indexOf('p=') + 2);
    const pub = crypto.createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(k.txtStrings.join('')).toBe(k.txtRecord);
    expect(k.txtStrings.every((s) => s.length <= 255)).toBe(true);
    expect(k.zoneLine).toMatch(/^sel1\._domainkey\.example\.org\. IN TXT \( "v=DKIM1; k=rsa; p=.*" "[^"]+" \)$/);
    expect(crypto.createPrivateKey(k.privateKeyPem).asymmetricKeyType).toBe('rsa');
  });

  it('Ed25519 (RFC 8463): p= is the raw 32-byte key', () => {
    const k = dkimKeygen('example.org', 'ed1', 'ed25519');
    const p = Buffer.from(k.txtRecord.slice(k.txtRecord.indexOf('p=') + 2), 'base64');
    expect(k.txtRecord).toMatch(/^v=DKIM1; k=ed25519; p=/);
    expect(p).toHaveLength(32);
    expect(k.txtStrings).toHaveLength(1);
  });

  it('rejects bad names and sizes with a clear message', () => {
    expect(() => dkimKeygen('localhost', 's')).toThrow(/not a valid domain name/);
    expect(() => dkimKeygen('exa mple.org', 's')).toThrow(/not a valid domain name/);
    expect(() => dkimKeygen('example.org', 'a..b')).toThrow(/not a valid selector/);
    expect(() => dkimKeygen('example.org', 's', 'rsa', 512)).toThrow(/1024\.\.4096/);
  });

  it('the TXT of an existing key is the same as at generation', () => {
    const k = dkimKeygen('example.org', 's', 'ed25519');
    expect(dkimTxtRecord('example.org', 's', crypto.createPrivateKey(k.privateKeyPem)).txtRecord).toBe(k.txtRecord);
  });
});

describe('writeDkimKey and findSigningKey', () => {
  it('writes <dir>/<domain>/<selector>.private (0600) and .txt, refuses to overwrite', () => {
    const dir = tmp();
    const k = writeDkimKey(dir, 'example.org', 'sel2026', 'rsa');
    expect(k.keyFile).toBe(path.join(dir, 'example.org', 'sel2026.private'));
    expect(fs.statSync(k.keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(k.keyFile, 'utf8')).toBe(k.privateKeyPem);
    expect(fs.readFileSync(k.txtFile, 'utf8')).toBe(`${k.zoneLine}\n`);
    expect(() => writeDkimKey(dir, 'example.org', 'sel2026')).toThrow(/exists/);
    expect(writeDkimKey(dir, 'example.org', 'sel2026', 'ed25519', { force: true }).type).toBe('ed25519');
  });

  it('finds the key for a From domain or its parent, newest selector first, skipping junk', () => {
    const dir = tmp();
    expect(findSigningKey(dir, 'example.org')).toBeUndefined();
    const old = writeDkimKey(dir, 'example.org', 'a-old', 'ed25519');
    fs.utimesSync(old.keyFile, new Date('2020-01-01'), new Date('2020-01-01'));
    writeDkimKey(dir, 'example.org', 'b-new', 'ed25519');
    fs.writeFileSync(path.join(dir, 'example.org', 'z-broken.private'), 'not a key');
    expect(findSigningKey(dir, 'Example.org')).toMatchObject({ domain: 'example.org', selector: 'b-new', type: 'ed25519' });
    expect(findSigningKey(dir, 'news.example.org')).toMatchObject({ domain: 'example.org' });
    expect(findSigningKey(dir, 'example.net')).toBeUndefined();
  });
});

describe('signMessage', () => {
  it('signs with the default header list; the signature verifies against the published key', async () => {
    const dir = tmp();
    const k = writeDkimKey(dir, 'example.org', 's1', 'ed25519');
    const found = findSigningKey(dir, 'example.org');
    if (!found) throw new Error('no key');
    const msg = message({ extra: ['Reply-To: help@example.org', 'List-Id: <friends.example.org>'] });
    const s = await signMessage({ message: msg, domain: found.domain, selector: found.selector, privateKey: found.privateKeyPem });
    expect(s).toMatchObject({ ok: true, algorithm: 'ed25519-sha256' });
    if (!s.ok) return;
    expect(s.signedHeaders).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id', 'reply-to', 'list-id', 'mime-version', 'content-type']));
    expect(s.signedHeaders).not.toContain('received');
    const step = await verifyDkim(Buffer.concat([Buffer.from(`${s.header}\r\n`), msg]), asMailauthResolver(zone(keyRecords(k))));
    expect(step.signatures[0]).toMatchObject({ result: 'pass', keyType: 'ed25519' });
  });

  it('a bad key, a message without From, or a key of the wrong type: ok=false with the reason', async () => {
    expect(await signMessage({ message: message(), domain: 'example.org', selector: 's', privateKey: 'garbage' })).toMatchObject({ ok: false });
    const rsa = dkimKeygen('example.org', 's');
    const noFrom = Buffer.from('To: a@b.example\r\nSubject: x\r\n\r\nbody\r\n');
    expect(await signMessage({ message: noFrom, domain: 'example.org', selector: 's', privateKey: rsa.privateKeyPem })).toMatchObject({ ok: false, error: expect.stringMatching(/From/) });
    expect(await signMessage({ message: message(), domain: 'example.org', selector: 's', privateKey: rsa.privateKeyPem, algorithm: 'ed25519-sha256' }))
      .toMatchObject({ ok: false, error: expect.stringMatching(/key type/i) });
  });
});

describe('signOutgoing: the key for the From: domain', () => {
  it('reads the From domain as mailauth does: one address only', () => {
    expect(fromHeaderDomain('Bob <bob@Example.ORG.>')).toBe('example.org');
    expect(fromHeaderDomain('"Smith, Jo" <jo@news.example.org>')).toBe('news.example.org');
    expect(fromHeaderDomain('a@x.example, b@y.example')).toBeUndefined();
    expect(fromHeaderDomain('undisclosed-recipients')).toBeUndefined();
  });

  it('signs with the key found for the From domain (or its parent), or says why not', async () => {
    const dir = tmp();
    const k = writeDkimKey(dir, 'example.org', 'out1');
    const msg = message({ from: 'Bob <bob@news.example.org>' });
    const s = await signOutgoing({ message: msg, fromHeader: 'Bob <bob@news.example.org>', keysDir: dir });
    expect(s).toMatchObject({ signed: true, domain: 'example.org', selector: 'out1', algorithm: 'rsa-sha256' });
    if (!s.signed) return;
    const step = await verifyDkim(Buffer.concat([Buffer.from(`${s.header}\r\n`), msg]), asMailauthResolver(zone(keyRecords(k))));
    expect(step.signatures[0]).toMatchObject({ result: 'pass', d: 'example.org' });
    expect(await signOutgoing({ message: msg, fromHeader: 'x@other.example', keysDir: dir })).toEqual({ signed: false, reason: `no DKIM key for other.example in ${dir}` });
    expect(await signOutgoing({ message: msg, fromHeader: undefined, keysDir: dir })).toMatchObject({ signed: false });
  });
});
