import { describe, expect, it } from 'vitest';
import { decodeMimeWords, domainOf, orgDomain, parseAddressList } from '../../../renderer/lib/addresses';
import { computeAlignment, parseAuthResults, parseDkimSignature } from '../../../renderer/lib/auth-results';
import { compareRecipients, senderIdentities } from '../../../renderer/lib/identities';

const h = (name: string, value: string) => ({ name, value });

describe('addresses', () => {
  it('parses address lists with names, quotes, comments and groups', () => {
    expect(parseAddressList('"Doe, John" <John@Example.COM>, b@x.org (Bee), Team: c@y.org, d@z.org;')).toEqual([
      { name: 'Doe, John', address: 'John@example.com' },
      { name: 'Bee', address: 'b@x.org' },
      { address: 'c@y.org' },
      { address: 'd@z.org' },
    ]);
    expect(parseAddressList(undefined)).toEqual([]);
  });
  it('decodes RFC 2047 words', () => {
    expect(decodeMimeWords('=?UTF-8?B?SsO8cmdlbg==?= <j@x.de>')).toBe('Jürgen <j@x.de>');
    expect(decodeMimeWords('=?iso-8859-1?Q?Caf=E9_au_lait?=')).toBe('Café au lait');
    expect(decodeMimeWords('=?UTF-8?Q?a?= =?UTF-8?Q?b?=')).toBe('ab');
  });
  it('finds domains and approximate organizational domains', () => {
    expect(domainOf('a@Mail.Example.ORG')).toBe('mail.example.org');
    expect(domainOf('')).toBe('');
    expect(orgDomain('mail.lists.example.org')).toBe('example.org');
    expect(orgDomain('mx.shop.co.uk')).toBe('shop.co.uk');
  });
});

describe('sender identities', () => {
  it('lays out the four identities and warns where they disagree', () => {
    const { identities, findings } = senderIdentities('bounce@bulk-mailer.net', [
      h('From', '"support@bank.example" <phish@evil.example>'),
      h('Reply-To', 'collect@other.example'),
    ]);
    expect(identities.map((i) => [i.key, i.raw])).toEqual([
      ['mailfrom', 'bounce@bulk-mailer.net'],
      ['from', '"support@bank.example" <phish@evil.example>'],
      ['sender', undefined],
      ['replyto', 'collect@other.example'],
    ]);
    const texts = findings.map((f) => `${f.level}: ${f.text}`);
    expect(texts.some((t) => t.startsWith('warn: The envelope sender domain (bulk-mailer.net) is not the From domain (evil.example)'))).toBe(true);
    expect(texts.some((t) => t.startsWith('warn: Replies go to other.example'))).toBe(true);
    expect(texts.some((t) => t.startsWith('warn: The From display name shows the address support@bank.example'))).toBe(true);
  });
  it('notes the null sender, a missing From, and relaxed alignment', () => {
    expect(senderIdentities('', []).findings.map((f) => f.level)).toEqual(['info', 'warn']);
    const f = senderIdentities('b@lists.example.org', [h('From', 'a@example.org')]).findings;
    expect(f).toHaveLength(1);
    expect(f[0]!.text).toMatch(/relaxed DMARC alignment/);
  });
  it('compares envelope and header recipients', () => {
    const rows = compareRecipients(
      [
        { rcpt: 'bob@x.test', status: 'sent', attempts: 1 },
        { rcpt: 'dave@x.test', status: 'sent', attempts: 1 },
        { rcpt: 'carol.real@x.test', orcpt: 'carol@x.test', status: 'pending', attempts: 0 },
      ],
      [h('To', 'Bob <bob@x.test>, carol@x.test'), h('Cc', 'erin@x.test')],
    );
    expect(rows.map((r) => [r.address, r.envelope, r.fields.join('+')])).toEqual([
      ['bob@x.test', true, 'To'],
      ['dave@x.test', true, ''],
      ['carol.real@x.test', true, 'To'],
      ['erin@x.test', false, 'Cc'],
    ]);
    expect(rows[1]!.note).toMatch(/Bcc/);
    expect(rows[2]!.note).toMatch(/alias expansion/);
  });
});

describe('authentication headers', () => {
  it('parses Authentication-Results and DKIM-Signature tags', () => {
    const ar = parseAuthResults('mx.example.com; dkim=pass header.i=@example.org header.s=sel1 header.b=TXuCNlsq; spf=pass (mx.example.com: domain of bob@example.org designates 192.0.2.10 as permitted sender) smtp.mailfrom=bob@example.org; dmarc=fail reason="no alignment" header.from=example.org');
    expect(ar.authservId).toBe('mx.example.com');
    expect(ar.results.map((r) => [r.method, r.result])).toEqual([['dkim', 'pass'], ['spf', 'pass'], ['dmarc', 'fail']]);
    expect(ar.results[1]!.props['smtp.mailfrom']).toBe('bob@example.org');
    expect(ar.results[1]!.comment).toMatch(/designates/);
    expect(ar.results[2]!.reason).toBe('no alignment');
    expect(parseAuthResults('i=2; mx.google.com; arc=pass').results[0]).toMatchObject({ method: 'arc', result: 'pass' });
    expect(parseDkimSignature('v=1; a=rsa-sha256; d=Example.org; s=sel; h=from : to;\r\n bh=x; b=y')).toEqual({ d: 'example.org', s: 'sel', a: 'rsa-sha256', h: ['from', 'to'] });
  });
  it('computes DMARC alignment strict and relaxed', () => {
    const a = computeAlignment('example.org', 'bounces.example.org', ['example.org', 'esp.net']);
    expect(a.checks.map((c) => [c.label, c.strict, c.relaxed])).toEqual([
      ['SPF: envelope sender domain', false, true],
      ['DKIM: signature d=example.org', true, true],
      ['DKIM: signature d=esp.net', false, false],
    ]);
  });
});
