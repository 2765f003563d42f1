// XCLIENT attributes as Postfix 3.7 smtpd reads them. Expected replies are the ones the private
// Postfix 3.7.11 gives in test/differential (case access/xclient-syntax).
import { describe, expect, it } from 'vitest';
import { parseXclient } from '../../../engine/smtp/xclient-args';

const reply = (line: string) => {
  const r = parseXclient(line);
  return r.ok ? 'ok' : `${r.reply.code} ${r.reply.status} ${r.reply.text}`;
};

describe('parseXclient: Postfix\'s checks, in order', () => {
  it.each([
    ['XCLIENT FOO=bar', '501 5.5.4 Bad XCLIENT attribute name: FOO'],
    ['XCLIENT NAME', '501 5.5.4 Error: attribute=value expected'],
    ['XCLIENT NAME=', '501 5.5.4 Error: attribute=value expected'],
    ['XCLIENT NAME=bad!name', '501 5.5.4 Bad NAME syntax: bad!name'],
    ['XCLIENT NAME=a+01b', '501 5.5.4 Bad NAME syntax: a?b'],
    ['XCLIENT ADDR=300.1.1.1', '501 5.5.4 Bad ADDR syntax: 300.1.1.1'],
    ['XCLIENT ADDR=a@b', '501 5.5.4 Bad ADDR syntax: a?b'],
    ['XCLIENT PORT=123456', '501 5.5.4 Bad PORT syntax: 123456'],
    ['XCLIENT PROTO=FOO', '501 5.5.4 Bad PROTO syntax: FOO'],
    ['XCLIENT DESTADDR=x', '501 5.5.4 Bad DESTADDR syntax: x'],
    ['XCLIENT DESTPORT=999999', '501 5.5.4 Bad DESTPORT syntax: 999999'],
    [`XCLIENT HELO=${'a'.repeat(256)}`, '501 5.5.4 Error: attribute value too long'],
    ['XCLIENT BAD=1 NAME', '501 5.5.4 Bad XCLIENT attribute name: BAD'],
    ['XCLIENT NAME=ok.example BAD=1', '501 5.5.4 Bad XCLIENT attribute name: BAD'],
    ['XCLIENT DESTADDR=127.0.0.1 DESTPORT=25 REVERSE_NAME=x.example', 'ok'],
  ])('%s → %s', (line, want) => {
    expect(reply(line)).toBe(want);
  });
});

describe('parseXclient: the claim and the command for smtp-server', () => {
  it('HELO= is neutered as Postfix does; PROTO= upper-cased; NAME keeps its case', () => {
    expect(parseXclient('XCLIENT ADDR=192.0.2.50 NAME=Mail.Example HELO=a@b PROTO=esmtp')).toEqual({ ok: true,
      claim: { addr: '192.0.2.50', name: 'Mail.Example', helo: 'a?b', proto: 'ESMTP' },
      forward: 'XCLIENT NAME=Mail.Example ADDR=192.0.2.50 PROTO=ESMTP HELO=a?b' });
    expect(parseXclient('XCLIENT HELO=a+20b')).toMatchObject({ ok: true, claim: { helo: 'a?b' } });
    expect(parseXclient('XCLIENT HELO=a+zz')).toMatchObject({ ok: true, claim: { helo: 'a+zz' }, forward: 'XCLIENT HELO=a+2Bzz' });
  });

  it('[UNAVAILABLE] and [TEMPUNAVAIL]', () => {
    expect(parseXclient('XCLIENT NAME=[UNAVAILABLE] ADDR=[unavailable] HELO=[UNAVAILABLE] LOGIN=[UNAVAILABLE]')).toMatchObject({ ok: true,
      claim: { name: 'unknown', addr: 'unknown', helo: null, login: null } });
    // Only [UNAVAILABLE] means "no HELO"; [TEMPUNAVAIL] is taken as the name itself.
    expect(parseXclient('XCLIENT NAME=[TEMPUNAVAIL] HELO=[TEMPUNAVAIL]')).toMatchObject({ ok: true, claim: { name: 'unknown', helo: '[TEMPUNAVAIL]' } });
  });

  it('the last of a repeated attribute wins; attributes smtp-server does not know stay here', () => {
    const r = parseXclient('XCLIENT HELO=a.example HELO=b.example DESTPORT=25');
    expect(r).toEqual({ ok: true, claim: { helo: 'b.example' }, forward: 'XCLIENT HELO=b.example' });
    expect(parseXclient('XCLIENT REVERSE_NAME=x.example')).toMatchObject({ ok: true, forward: 'XCLIENT' });
  });

  it('ADDR: IPv4, IPv6 with or without the IPv6: prefix, v4-mapped IPv6 as IPv4', () => {
    expect(parseXclient('XCLIENT ADDR=IPv6:2001:DB8::1')).toMatchObject({ ok: true, claim: { addr: '2001:db8::1' } });
    expect(parseXclient('XCLIENT ADDR=2001:db8::1')).toMatchObject({ ok: true, claim: { addr: '2001:db8::1' } });
    expect(parseXclient('XCLIENT ADDR=IPv6:::ffff:192.0.2.1')).toMatchObject({ ok: true, claim: { addr: '192.0.2.1' } });
  });
});
