// authenticate() on the scenarios Relay Lab teaches (DESIGN.md "The lab"): direct send, forged
// From, forwarding without and with SRS, a mailing list that edits the subject (ARC explains).
// Keys are made here, published in a lab zone, and every message is really signed and sealed.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { arcSeal, authenticate, decidePolicy, type AuthPolicyConfig, type AuthVerdict } from '../../../engine/auth';
import { createSrs } from '../../../engine/srs';
import { edit, keyFor, keyRecords, message, prepend, signed, zone } from './helpers';

const origin = keyFor('example.org', 'sel1');
const listArc = keyFor('lists.example.net', 'arc1');
const fwdArc = keyFor('fwd.example', 'arc1');
const lab = zone({
  ...keyRecords(origin, listArc, fwdArc),
  'example.org': { TXT: ['v=spf1 ip4:192.0.2.10 -all'] },
  '_dmarc.example.org': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@example.org'] },
  'lists.example.net': { TXT: ['v=spf1 ip4:203.0.113.5 -all'] },
  'fwd.example': { TXT: ['v=spf1 ip4:198.51.100.7 -all'] },
  'slowdmarc.example': { TXT: ['v=spf1 ip4:192.0.2.10 -all'] },
  '_dmarc.slowdmarc.example': { TIMEOUT: true },
});
const HOST = 'mx.example.com';
const enforce: AuthPolicyConfig = { dmarc: 'enforce', spf_fail: 'accept', temperror: 'defer' };
const publicClient = { authenticated: false, net: 'public' as const };

function at(message: Buffer, ip: string, sender: string, helo = 'mail.example') {
  return authenticate({ message, ip, helo, sender, hostname: HOST, resolver: lab });
}

describe('direct send', () => {
  it('SPF, DKIM and DMARC pass; the headers say so; every DNS query is kept', async () => {
    const v = await at(await signed(message(), origin), '192.0.2.10', 'bob@example.org', 'mail.example.org');
    expect(v).toMatchObject({ spf: { result: 'pass' }, dkim: [{ result: 'pass', d: 'example.org' }], dmarc: { result: 'pass', disposition: 'none' }, arc: { result: 'none' } });
    expect(v.headers.authenticationResults).toMatch(/^Authentication-Results: mx\.example\.com;\r\n\tdkim=pass header\.d=example\.org /);
    expect(v.headers.authenticationResults).toContain('dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.org');
    expect(v.headers.receivedSpf).toMatch(/^Received-SPF: pass \(mx\.example\.com: domain of bob@example\.org designates 192\.0\.2\.10/);
    expect(v.dnsQueries.map((q) => `${q.phase} ${q.name} ${q.type}`).sort()).toEqual([
      'dkim sel1._domainkey.example.org TXT', 'dmarc _dmarc.example.org TXT', 'spf example.org TXT',
    ]);
    for (const q of v.dnsQueries) expect(q.answer).toBeDefined();
    expect(decidePolicy(v, enforce, publicClient)).toMatchObject({ action: 'accept' });
  });
});

describe('forged From', () => {
  it('DMARC fails and p=reject answers 550 5.7.1 in session', async () => {
    const forged = message({ from: 'CEO <ceo@example.org>' });
    const v = await at(forged, '198.51.100.66', 'bounce@evil.example');
    expect(v.dmarc).toMatchObject({ result: 'fail', fromDomain: 'example.org', policyApplied: 'reject', spf: { domain: 'evil.example', aligned: false } });
    expect(decidePolicy(v, enforce, publicClient)).toEqual({
      action: 'reject', code: 550, status: '5.7.1', text: 'rejected by DMARC policy for example.org', reason: expect.any(String),
    });
    expect(decidePolicy(v, { ...enforce, dmarc: 'report' }, publicClient)).toMatchObject({ action: 'accept', reason: expect.stringMatching(/recorded only/) });
    expect(decidePolicy(v, enforce, { authenticated: true, net: 'public' })).toMatchObject({ action: 'accept' });
    expect(decidePolicy(v, enforce, { authenticated: false, net: 'vpn' })).toMatchObject({ action: 'accept' });
  });

  it('a forged signature (right d=, wrong key) fails DKIM and DMARC', async () => {
    const impostor = { ...keyFor('evil.example', 'sel1'), domain: 'example.org', selector: 'sel1' };
    const v = await at(await signed(message(), impostor), '198.51.100.66', 'bounce@evil.example');
    expect(v.dkim[0]).toMatchObject({ result: 'fail', d: 'example.org', reason: 'signature did not verify' });
    expect(v.dmarc.result).toBe('fail');
  });
});

describe('forwarding', () => {
  it('without SRS: SPF fails at the last hop, DMARC still passes on DKIM', async () => {
    const orig = await signed(message(), origin);
    const v = await at(prepend(orig, 'Received: from mail.example.org by mx.fwd.example; Tue, 21 Nov 2023 10:15:03 +0100'), '198.51.100.7', 'bob@example.org', 'mx.fwd.example');
    expect(v.spf).toMatchObject({ result: 'fail', domain: 'example.org', mechanism: '-all' });
    expect(v.dkim[0]).toMatchObject({ result: 'pass' });
    expect(v.dmarc).toMatchObject({ result: 'pass', spf: { aligned: true, counts: false }, dkim: [{ aligned: true, counts: true }] });
    expect(decidePolicy(v, enforce, publicClient).action).toBe('accept');
    expect(decidePolicy(v, { ...enforce, spf_fail: 'reject' }, publicClient)).toMatchObject({
      action: 'reject', code: 550, status: '5.7.23', text: expect.stringMatching(/^<bob@example\.org>: SPF validation failed/),
    });
  });

  it('with SRS and an ARC seal: SPF passes for the forwarder, DMARC passes on DKIM, the next hop sees our verdict', async () => {
    const orig = await signed(message(), origin);
    // the forwarder's own verification, as the message arrived from the origin
    const atFwd = await authenticate({ message: orig, ip: '192.0.2.10', helo: 'mail.example.org', sender: 'bob@example.org', hostname: 'mx.fwd.example', resolver: lab });
    const srs = createSrs({ secrets: ['s3cret'], domain: 'fwd.example' });
    const rewritten = srs.forward('bob@example.org');
    expect(rewritten.rewritten).toBe(true);
    const sealed = await arcSeal({ message: orig, verdict: atFwd, signingDomain: 'fwd.example', selector: 'arc1', privateKey: fwdArc.privateKeyPem });
    if (!sealed.sealed) throw new Error(sealed.reason);
    expect(sealed).toMatchObject({ instance: 1, cv: 'none' });
    const out = prepend(orig, sealed.headers, atFwd.headers.authenticationResults, atFwd.headers.receivedSpf);
    const v = await at(out, '198.51.100.7', rewritten.address, 'mx.fwd.example');
    expect(v.spf).toMatchObject({ result: 'pass', domain: 'fwd.example' });
    expect(v.dmarc).toMatchObject({ result: 'pass', spf: { aligned: false }, dkim: [{ counts: true }] });
    expect(v.arc).toMatchObject({ result: 'pass', sets: [{ i: 1, seal: { d: 'fwd.example', cv: 'none' }, authResults: { authservId: 'mx.fwd.example' } }] });
    expect(v.arc.latestAuthResults).toMatchObject({ authservId: 'mx.fwd.example', spf: expect.stringMatching(/^spf=pass/), dmarc: expect.stringMatching(/^dmarc=pass/) });
    expect(srs.reverse(rewritten.address)).toEqual({ ok: true, kind: 'SRS0', address: 'bob@example.org' });
  });
});

describe('mailing list that edits the subject: DKIM breaks, DMARC fails, ARC explains', () => {
  async function throughList(): Promise<{ final: AuthVerdict; atList: AuthVerdict }> {
    const orig = await signed(message(), origin);
    const atList = await authenticate({ message: orig, ip: '192.0.2.10', helo: 'mail.example.org', sender: 'bob@example.org', hostname: 'mx.lists.example.net', resolver: lab });
    const edited = edit(orig, 'Subject: Lunch', 'Subject: [friends] Lunch');
    const sealed = await arcSeal({ message: edited, verdict: atList, signingDomain: 'lists.example.net', selector: 'arc1', privateKey: listArc.privateKeyPem });
    if (!sealed.sealed) throw new Error(sealed.reason);
    const out = prepend(edited, sealed.headers);
    const final = await at(out, '203.0.113.5', 'friends-bounces@lists.example.net', 'mx.lists.example.net');
    return { final, atList };
  }

  it('the list saw DKIM pass; the final hop sees DKIM fail and DMARC fail, ARC pass with the list\'s results', async () => {
    const { final, atList } = await throughList();
    expect(atList.dkim[0]?.result).toBe('pass');
    expect(final.spf).toMatchObject({ result: 'pass', domain: 'lists.example.net' });
    expect(final.dkim[0]).toMatchObject({ result: 'fail', reason: 'signature did not verify', bodyHash: 'pass' });
    expect(final.dmarc).toMatchObject({ result: 'fail', disposition: 'reject' });
    expect(final.arc).toMatchObject({ result: 'pass', latestMessageSignature: { result: 'pass' }, latestAuthResults: { authservId: 'mx.lists.example.net' } });
    expect(final.arc.latestAuthResults?.dkim[0]).toMatch(/^dkim=pass header\.d=example\.org/);
    expect(final.headers.authenticationResults).toMatch(/arc=pass \(i=1 mx\.lists\.example\.net\) smtp\.remote-ip=203\.0\.113\.5/);
  });

  it('local policy: reject unless the list is a trusted ARC sealer', async () => {
    const { final } = await throughList();
    expect(decidePolicy(final, enforce, publicClient)).toMatchObject({ action: 'reject', status: '5.7.1' });
    expect(decidePolicy(final, { ...enforce, trusted_arc_sealers: ['lists.example.net'] }, publicClient))
      .toMatchObject({ action: 'accept', reason: expect.stringMatching(/trusted lists\.example\.net/) });
  });

  it('a change after sealing breaks the chain (arc=fail), and a fail chain is not sealed again', async () => {
    const orig = await signed(message(), origin);
    const atList = await authenticate({ message: orig, ip: '192.0.2.10', helo: 'mail.example.org', sender: 'bob@example.org', hostname: 'mx.lists.example.net', resolver: lab });
    const sealed = await arcSeal({ message: orig, verdict: atList, signingDomain: 'lists.example.net', selector: 'arc1', privateKey: listArc.privateKeyPem });
    if (!sealed.sealed) throw new Error(sealed.reason);
    const tampered = edit(prepend(orig, sealed.headers), 'See you at noon.', 'Send the wire transfer.');
    const v = await at(tampered, '203.0.113.5', 'friends-bounces@lists.example.net');
    expect(v.arc.result).toBe('fail');
    expect(v.arc.reason).toMatch(/signature/);
    // one cv=fail seal is allowed; after that the chain is dead
    const second = await arcSeal({ message: tampered, verdict: v, signingDomain: 'fwd.example', selector: 'arc1', privateKey: fwdArc.privateKeyPem });
    expect(second).toMatchObject({ sealed: true, instance: 2, cv: 'fail' });
    if (!second.sealed) return;
    const after = await at(prepend(tampered, second.headers), '198.51.100.7', 'x@fwd.example');
    expect(after.arc).toMatchObject({ result: 'fail', sealable: false });
    expect(await arcSeal({ message: tampered, verdict: after, signingDomain: 'fwd.example', selector: 'arc1', privateKey: fwdArc.privateKeyPem }))
      .toMatchObject({ sealed: false });
  });

  it('two hops: the second seal is cv=pass and the chain validates', async () => {
    const orig = await signed(message(), origin);
    const atList = await authenticate({ message: orig, ip: '192.0.2.10', helo: 'mail.example.org', sender: 'bob@example.org', hostname: 'mx.lists.example.net', resolver: lab });
    const s1 = await arcSeal({ message: orig, verdict: atList, signingDomain: 'lists.example.net', selector: 'arc1', privateKey: listArc.privateKeyPem });
    if (!s1.sealed) throw new Error(s1.reason);
    const hop1 = prepend(orig, s1.headers);
    const atFwd = await authenticate({ message: hop1, ip: '203.0.113.5', helo: 'mx.lists.example.net', sender: 'l@lists.example.net', hostname: 'mx.fwd.example', resolver: lab });
    expect(atFwd.arc.result).toBe('pass');
    const s2 = await arcSeal({ message: hop1, verdict: atFwd, signingDomain: 'fwd.example', selector: 'arc1', privateKey: fwdArc.privateKeyPem });
    expect(s2).toMatchObject({ sealed: true, instance: 2, cv: 'pass' });
    if (!s2.sealed) return;
    const v = await at(prepend(hop1, s2.headers), '198.51.100.7', 'x@fwd.example');
    expect(v.arc).toMatchObject({ result: 'pass', sets: [{ i: 1 }, { i: 2, seal: { cv: 'pass', d: 'fwd.example' } }] });
  });

  it('ARC needs an RSA key', async () => {
    const v = await at(message(), '192.0.2.10', 'bob@example.org');
    const edKey = keyFor('fwd.example', 'ed', 'ed25519');
    expect(await arcSeal({ message: message(), verdict: v, signingDomain: 'fwd.example', selector: 'ed', privateKey: edKey.privateKeyPem }))
      .toMatchObject({ sealed: false, reason: expect.stringMatching(/RSA/) });
  });
});

describe('temporary errors and odd input', () => {
  it('a DMARC lookup timeout defers with 451 4.7.1 (temperror=defer) or is only recorded', async () => {
    const v = await at(message({ from: 'a@slowdmarc.example' }), '192.0.2.99', 'a@slowdmarc.example');
    expect(v.dmarc.result).toBe('temperror');
    expect(decidePolicy(v, enforce, publicClient)).toMatchObject({ action: 'defer', code: 451, status: '4.7.1' });
    expect(decidePolicy(v, { ...enforce, temperror: 'accept' }, publicClient)).toMatchObject({ action: 'accept' });
    expect(v.dnsQueries.find((q) => q.phase === 'dmarc')).toMatchObject({ name: '_dmarc.slowdmarc.example', type: 'TXT', error: 'ETIMEOUT' });
  });

  it('a header block over the cap: DKIM permerror, DMARC permerror, SPF still evaluated', async () => {
    const huge = prepend(message(), `X-Junk: ${'j'.repeat(5000)}`);
    const v = await authenticate({ message: huge, ip: '192.0.2.10', helo: 'mail.example.org', sender: 'bob@example.org', hostname: HOST, resolver: lab }, { maxHeaderBytes: 2048 });
    expect(v).toMatchObject({ skipped: 'header block larger than 2048 bytes', dkim: [], spf: { result: 'pass' }, dmarc: { result: 'permerror' }, arc: { result: 'none' } });
    expect(v.headers.authenticationResults).toContain('dkim=permerror (header block larger than 2048 bytes)');
    expect(decidePolicy(v, enforce, publicClient).action).toBe('accept');
  });

  it('random bytes, empty input and header-only input never throw', async () => {
    const inputs = [Buffer.alloc(0), Buffer.from('\r\n\r\n'), Buffer.from('no colon here\r\n'), Buffer.from('From:\r\n\r\n'), Buffer.from('From: <>\r\nDKIM-Signature: v=1\r\nARC-Seal: i=1; cv=pass\r\n\r\nx')];
    for (let i = 0; i < 30; i++) inputs.push(crypto.randomBytes(200 + i * 37));
    for (const m of inputs) {
      const v = await at(m, '192.0.2.10', 'bob@example.org');
      expect(v.headers.authenticationResults).toMatch(/^Authentication-Results: mx\.example\.com;/);
    }
  });

  it('a broken ARC chain (missing set members, wrong cv) is arc=fail with the reason', async () => {
    const bad = prepend(message(), 'ARC-Seal: i=1; a=rsa-sha256; cv=pass; d=x.example; s=s; b=AAAA', 'ARC-Message-Signature: i=1; a=rsa-sha256; d=x.example; s=s; h=from; bh=AAAA; b=AAAA');
    const v = await at(bad, '192.0.2.10', 'bob@example.org');
    expect(v.arc).toMatchObject({ result: 'fail', reason: expect.stringMatching(/malformed/), sealable: false });
  });

  it('the HELO identity can be checked as well', async () => {
    const v = await authenticate({ message: message(), ip: '192.0.2.10', helo: 'fwd.example', sender: 'bob@example.org', hostname: HOST, resolver: lab }, { checkHelo: true });
    expect(v.spfHelo).toMatchObject({ identity: 'helo', domain: 'fwd.example', result: 'fail' });
    expect(v.dnsQueries.some((q) => q.phase === 'spf-helo')).toBe(true);
  });
});
