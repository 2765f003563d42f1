// MAIL/RCPT parsing as Postfix 3.7 smtpd does it (strict_rfc821_envelopes=no). Expected replies
// are the ones the private Postfix 3.7.11 gives in test/differential (same texts).
import { describe, expect, it } from 'vitest';
import { literalAddress, parseAddressCommand, resolvedAddress, smtpdTokens, validHostname, type AddressResult } from '../../../engine/smtp/address-syntax';

const ours = (d: string) => ['relaylab.test'].includes(d.toLowerCase().replace(/\.$/, ''));
const opts = { myhostname: 'mx.relaylab.test', isLocalDomain: ours };
const mail = (line: string, o: Parameters<typeof parseAddressCommand>[2] = opts): AddressResult => parseAddressCommand('MAIL', Buffer.from(`MAIL FROM:${line}`), o);
const rcpt = (line: string, o: Parameters<typeof parseAddressCommand>[2] = opts): AddressResult => parseAddressCommand('RCPT', Buffer.from(`RCPT TO:${line}`), o);
const address = (r: AddressResult) => (r.ok ? r.parsed.address : `${r.reply.code} ${r.reply.status} ${r.reply.text}`);

const BAD_SENDER = '501 5.1.7 Bad sender address syntax';
const BAD_RCPT = '501 5.1.3 Bad recipient address syntax';

describe('parseAddressCommand: what Postfix accepts', () => {
  it.each([
    ['<s@example.org>', 's@example.org'],
    ['<>', ''],
    ['<user>', 'user'],
    ['<user@example.org.>', 'user@example.org.'],
    ['s@example.org', 's@example.org'],
    [' <s@example.org>', 's@example.org'],
    ['<@hop.example:s@example.org>', 's@example.org'],
    ['<@a.example,@b.example:s@example.org>', 's@example.org'],
    ['<Someone <s@example.org>>', 's@example.org'],
    ['<s@example.org (a comment)>', 's@example.org'],
    ['<"quoted"@example.org>', 'quoted@example.org'],
    ['<user@[192.0.2.1]>', 'user@[192.0.2.1]'],
    ['<s@[IPv6:2001:db8::1]>', 's@[IPv6:2001:db8::1]'],
    ['<s@under_score.example>', 's@under_score.example'],
    ['<s@host.123>', 's@host.123'],
  ])('MAIL FROM:%s → <%s>', (arg, want) => {
    expect(address(mail(arg))).toBe(want);
  });

  it.each([
    ['<user>', 'user'],
    ['<postmaster>', 'postmaster'],
    ['<u@other.example@relaylab.test>', 'u@other.example@relaylab.test'],
    ['<"u@other.example"@relaylab.test>', 'u@other.example@relaylab.test'],
    ['<u@relaylab.test.>', 'u@relaylab.test.'],
    ['<u@[127.0.0.1]>', 'u@[127.0.0.1]'],
    ['<@relaylab.test>', '@relaylab.test'],
    ['<u%other.example@relaylab.test>', 'u%other.example@relaylab.test'],
    ['<other.example!u@relaylab.test>', 'other.example!u@relaylab.test'],
    ['<@relaylab.test:u@other.example>', 'u@other.example'],
    ['u@relaylab.test', 'u@relaylab.test'],
  ])('RCPT TO:%s → <%s>', (arg, want) => {
    expect(address(rcpt(arg))).toBe(want);
  });
});

describe('parseAddressCommand: what Postfix refuses, with its replies', () => {
  it.each([
    ['', '501 5.5.4 Syntax: MAIL FROM:<address>'],
    ['<s@example.org', BAD_SENDER],
    ['<s@example.org,t@example.org>', BAD_SENDER],
    ['<a b>', BAD_SENDER],
    ['<s@192.0.2.1>', BAD_SENDER],
    ['<s@[300.1.1.1]>', BAD_SENDER],
    ['<s@[0.1.2.3]>', BAD_SENDER],
    ['<s@>', BAD_SENDER],
    ['<s@-bad.example>', BAD_SENDER],
    ['<s@bad-.example>', BAD_SENDER],
    ['<s@a..b.example>', BAD_SENDER],
    ['<s@example.org>SIZE=1', BAD_SENDER],
    ['<s@bücher.example>', BAD_SENDER],
  ])('MAIL FROM:%s → %s', (arg, want) => {
    expect(address(mail(arg))).toBe(want);
  });

  it.each([
    ['', '501 5.5.4 Syntax: RCPT TO:<address>'],
    ['<>', BAD_RCPT],
    ['<u@relaylab.test', BAD_RCPT],
    ['<a@relaylab.test,b@relaylab.test>', BAD_RCPT],
    ['<u@192.0.2.1>', BAD_RCPT],
    // relaylab.test is ours, so Postfix looks inside: bad..example is not a host name.
    ['<u@bad..example@relaylab.test>', BAD_RCPT],
    ['<u@bad..example%relaylab.test@relaylab.test>', BAD_RCPT],
  ])('RCPT TO:%s → %s', (arg, want) => {
    expect(address(rcpt(arg))).toBe(want);
  });

  it('a domain that is not ours is not looked inside (Postfix relays the whole address)', () => {
    expect(address(rcpt('<u@bad..example@other.example>'))).toBe('u@bad..example@other.example');
  });

  it('says "Syntax" when the keyword is wrong, as Postfix does', () => {
    expect(address(parseAddressCommand('MAIL', Buffer.from('MAIL TO:<a@b.example>'), opts))).toBe('501 5.5.4 Syntax: MAIL FROM:<address>');
    expect(address(parseAddressCommand('RCPT', Buffer.from('RCPT FROM:<a@b.example>'), opts))).toBe('501 5.5.4 Syntax: RCPT TO:<address>');
    expect(address(parseAddressCommand('MAIL', Buffer.from('MAIL FROM :<a@b.example>'), opts))).toBe('501 5.5.4 Syntax: MAIL FROM:<address>');
  });

  it('answers invalid UTF-8 with 500 5.5.2 (Postfix with smtputf8_enable)', () => {
    const line = Buffer.concat([Buffer.from('MAIL FROM:<s@ex'), Buffer.from([0xff]), Buffer.from('.org>')]);
    expect(address(parseAddressCommand('MAIL', line, opts))).toBe('500 5.5.2 Error: bad UTF-8 syntax');
  });

  it('a non-ASCII domain needs SMTPUTF8 (in MAIL; for RCPT from the transaction)', () => {
    expect(address(mail('<s@bücher.example> SMTPUTF8'))).toBe('s@bücher.example');
    expect(address(rcpt('<u@bücher.example>'))).toBe(BAD_RCPT);
    expect(address(rcpt('<u@bücher.example>', { ...opts, smtputf8: true }))).toBe('u@bücher.example');
    expect(address(mail('<jörg@example.org>'))).toBe('jörg@example.org'); // 8-bit local parts pass, as in Postfix
  });
});

describe('parseAddressCommand: engine rules beyond Postfix (MTA-SEMANTICS §8.2)', () => {
  it.each([
    ['<"a b"@example.org>', 'white space in the internal form'],
    ['<"a<b"@example.org>', 'an angle bracket in the internal form'],
    [`<${'a'.repeat(65)}@example.org>`, 'a local part over 64'],
    [`<a@${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.example>`, 'a path over 256'],
    ['<a\u200b@example.org>', 'an invisible formatting character'],
  ])('refuses %s (%s)', (arg) => {
    expect(address(mail(arg))).toBe(BAD_SENDER);
  });
});

describe('parseAddressCommand: ESMTP parameters (Postfix mail_cmd/rcpt_cmd), in smtp-server\'s shape', () => {
  it('upper-cases keys, decodes ENVID xtext, keeps bare keywords as true', () => {
    const r = mail('<s@example.org> size=100 BODY=8BITMIME SMTPUTF8 ENVID=a+2Bb');
    expect(r.ok && r.parsed).toEqual({ address: 's@example.org', args: { SIZE: '100', BODY: '8BITMIME', SMTPUTF8: true, ENVID: 'a+b' } });
  });

  it('no parameters: args is false', () => {
    expect(mail('<s@example.org>')).toEqual({ ok: true, parsed: { address: 's@example.org', args: false }, mailState: { size: 0, auth: false } });
  });

  it('a parameter Postfix takes twice comes through once (the last), never as a duplicate', () => {
    const r = mail('<s@example.org> SIZE=1 SIZE=2');
    expect(r.ok && r.parsed.args).toEqual({ SIZE: '2' });
  });

  it('the address is checked before the parameters', () => {
    expect(address(mail('<s@-bad.example> FOO=1'))).toBe(BAD_SENDER);
    expect(address(rcpt('<@> NOTIFY=x'))).toBe(BAD_RCPT);
  });

  it('refuses unknown and bad parameters with Postfix\'s replies', () => {
    expect(address(mail('<s@example.org> ENVID=a+0D+0Ab'))).toBe('501 5.5.4 Bad ENVID parameter syntax');
    expect(address(mail('<s@example.org> FOO=bar'))).toBe('555 5.5.4 Unsupported option: FOO=bar');
    expect(address(rcpt('<u@relaylab.test> NOTIFY='))).toBe('501 5.5.4 Error: Bad NOTIFY parameter syntax');
  });

  it('SMTPUTF8 lets a non-ASCII domain through only as the exact keyword', () => {
    expect(address(mail('<s@bücher.example> SMTPUTF8'))).toBe('s@bücher.example');
    expect(address(mail('<s@bücher.example> SMTPUTF8=yes'))).toBe(BAD_SENDER);
  });

  it('RCPT parameters come through', () => {
    const r = rcpt('<u@relaylab.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;u@relaylab.test');
    expect(r.ok && r.parsed.args).toEqual({ NOTIFY: 'SUCCESS,FAILURE', ORCPT: 'rfc822;u@relaylab.test' });
  });

  it('MAIL reports Postfix\'s SIZE/AUTH state, also when it fails', () => {
    const r = mail('<s@example.org> SIZE=99999999999 AUTH=<a@b> FOO');
    expect(r).toMatchObject({ ok: false, mailState: { size: 99999999999, auth: true } });
    expect(address(mail('<s@example.org> AUTH=<x>', { ...opts, mailState: { size: 0, auth: true } }))).toBe('503 5.5.4 Error: multiple AUTH= options');
  });
});

describe('pieces', () => {
  it('smtpdTokens: "from:" ends a token; <...> and "..." keep their spaces; an open bracket is flagged', () => {
    expect(smtpdTokens('MAIL FROM:<a b@c> X=1').map((t) => t.text)).toEqual(['MAIL', 'FROM:', '<a b@c>', 'X=1']);
    expect(smtpdTokens('RCPT TO: "x y"@z').map((t) => t.text)).toEqual(['RCPT', 'TO:', '"x y"@z']);
    expect(smtpdTokens('MAIL FROM:<a<b>c>').map((t) => t.text)).toEqual(['MAIL', 'FROM:', '<a<b>c>']);
    expect(smtpdTokens('MAIL FROM:<a@b').at(-1)).toEqual({ text: '<a@b', unterminated: true });
  });

  it('resolvedAddress: local domains are stripped and what they route to is looked at', () => {
    expect(resolvedAddress('user', opts)).toBe('user@mx.relaylab.test');
    expect(resolvedAddress('u@other.example@relaylab.test', opts)).toBe('u@other.example');
    expect(resolvedAddress('other.example!u@relaylab.test', opts)).toBe('u@other.example');
    expect(resolvedAddress('u%other.example@relaylab.test', opts)).toBe('u@other.example');
    expect(resolvedAddress('u@relaylab.test.', opts)).toBe('u@relaylab.test');
    expect(resolvedAddress('@relaylab.test', opts)).toBe('MAILER-DAEMON@relaylab.test');
    expect(resolvedAddress('u@', opts)).toBe('u@');
  });

  it('validHostname and literalAddress follow Postfix valid_hostname / valid_mailhost_literal', () => {
    expect(validHostname('a-b.example')).toBe(true);
    expect(validHostname('192.0.2.1')).toBe(false);
    expect(validHostname(`${'a'.repeat(64)}.example`)).toBe(false);
    expect(literalAddress('[010.0.0.1]')).toBe('010.0.0.1');
    expect(literalAddress('[0.0.0.0]')).toBe('0.0.0.0');
    expect(literalAddress('[ipv6:::1]')).toBe('::1');
    expect(literalAddress('[::1]')).toBeUndefined();
    expect(literalAddress('[1.2.3.4]x')).toBeUndefined();
  });
});
