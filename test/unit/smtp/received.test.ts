import { describe, expect, it } from 'vitest';
import { buildReceived, mailDate, protocolName } from '../../../engine/smtp/received';

const base = { clientName: 'mail.example.org', clientIp: '192.0.2.7', hostname: 'mx.relaylab.test', queueId: '4XYZ0123ABCD', date: new Date('2026-03-01T10:20:30Z') };

describe('buildReceived (Postfix format, MTA-SEMANTICS §4.1)', () => {
  it('from HELO (name [ip]) by host (Relay Lab) with proto id QID for <rcpt>; date', () => {
    const h = buildReceived({ ...base, helo: 'client.example.org', esmtp: true, recipients: ['bob@relaylab.test'] });
    expect(h).toBe(`Received: from client.example.org (mail.example.org [192.0.2.7])\r\n\tby mx.relaylab.test (Relay Lab) with ESMTP id 4XYZ0123ABCD\r\n\tfor <bob@relaylab.test>; ${mailDate(base.date)}\r\n`);
  });

  it('no for clause with several recipients; TLS and AUTH in the protocol; IPv6 literal', () => {
    const h = buildReceived({ ...base, clientIp: '2001:db8::1', helo: 'c', esmtp: true, tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', bits: 256 }, authUser: 'alice', recipients: ['a@x', 'b@x'] });
    expect(h).toContain('(mail.example.org [IPv6:2001:db8::1])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))');
    expect(h).toContain('with ESMTPSA id 4XYZ0123ABCD; ');
    expect(h).not.toContain('for <');
  });

  it('without HELO (smtpd_helo_required=no) the client name stands in for it, as in Postfix', () => {
    expect(buildReceived({ ...base, clientName: 'unknown', esmtp: false, recipients: ['b@x'] })).toMatch(/^Received: from unknown \(unknown \[192\.0\.2\.7\]\)\r\n\tby mx\.relaylab\.test \(Relay Lab\) with SMTP id /);
  });

  it('protocol names', () => {
    expect([protocolName(false, false, false), protocolName(true, false, false), protocolName(true, true, false), protocolName(true, true, true)]).toEqual(['SMTP', 'ESMTP', 'ESMTPS', 'ESMTPSA']);
    // SMTPUTF8 (MTA-SEMANTICS §4.1 table, RFC 6531)
    expect([protocolName(true, false, false, true), protocolName(true, true, true, true)]).toEqual(['UTF8SMTP', 'UTF8SMTPSA']);
  });
});

describe('mailDate', () => {
  it('RFC 5322 date with the zone as a comment; the same second gives the same text, the next one a new text', () => {
    const d = new Date('2026-03-01T10:20:30.100Z');
    expect(mailDate(d)).toMatch(/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4} \(.+\)$/);
    expect(mailDate(new Date('2026-03-01T10:20:30.900Z'))).toBe(mailDate(d));
    expect(mailDate(new Date('2026-03-01T10:20:31.000Z'))).not.toBe(mailDate(d));
    expect(mailDate(new Date('2026-03-01T10:20:31.000Z'))).toMatch(/:31 /);
  });
});
