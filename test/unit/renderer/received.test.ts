import { describe, expect, it } from 'vitest';
import { buildHopTimeline, parseMailDate, parseReceived, protocolMeaning, stripComments } from '../../../renderer/lib/received';

const POSTFIX = 'from mail.example.org (mail.example.org [192.0.2.10]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256) (No client certificate requested) by mx.example.com (Postfix) with ESMTPS id 4SZk3x1yQJz9sWN for <alice@example.com>; Tue, 21 Nov 2023 10:15:02 +0100 (CET)';

describe('Received headers', () => {
  it('reads the Postfix format: from, IP, by, software, protocol (not the "with cipher" comment), id, for, TLS, date', () => {
    const r = parseReceived(POSTFIX);
    expect(r).toMatchObject({
      helo: 'mail.example.org',
      rdns: 'mail.example.org',
      ip: '192.0.2.10',
      by: 'mx.example.com',
      software: 'Postfix',
      protocol: 'ESMTPS',
      id: '4SZk3x1yQJz9sWN',
      for: 'alice@example.com',
      tls: 'TLSv1.3 with cipher TLS_AES_256_GCM_SHA384',
    });
    expect(r.at).toBe(Date.UTC(2023, 10, 21, 9, 15, 2));
  });

  it('reads authenticated submissions, IPv6 literals and clauses without "from"', () => {
    const a = parseReceived('from [10.8.0.6] (unknown [10.8.0.6]) (Authenticated sender: alice) by mx.example.com (Postfix) with ESMTPSA id 4SZk3x1yQJz9sWP; Tue, 21 Nov 2023 10:16:40 +0100 (CET)');
    expect(a).toMatchObject({ helo: '[10.8.0.6]', rdns: 'unknown', ip: '10.8.0.6', authUser: 'alice', protocol: 'ESMTPSA' });
    expect(parseReceived('from x (unknown [IPv6:2001:db8::1]) by y with ESMTP id Q; Tue, 21 Nov 2023 10:16:40 +0000').ip).toBe('2001:db8::1');
    const b = parseReceived('by mail.example.com (Postfix) id 4SZk3x1yQJz9sWQ for <bob@example.net>; Tue, 21 Nov 2023 10:17:00 +0100 (CET)');
    expect(b.helo).toBeUndefined();
    expect(b).toMatchObject({ by: 'mail.example.com', id: '4SZk3x1yQJz9sWQ', for: 'bob@example.net' });
  });

  it('strips nested comments and explains protocols', () => {
    expect(stripComments('a (b (c) d) e').replace(/\s+/g, ' ')).toBe('a e');
    expect(protocolMeaning('ESMTPSA')).toMatchObject({ tls: true, auth: true });
    expect(protocolMeaning('ESMTP').text).toMatch(/not encrypted/);
    expect(protocolMeaning('SMTP').text).toMatch(/plain SMTP/);
    expect(protocolMeaning(undefined).tls).toBeUndefined();
    expect(parseMailDate('not a date')).toBeUndefined();
  });

  it('builds the timeline bottom-up, groups added headers with their hop, and marks ours', () => {
    const headers = [
      { name: 'Received', value: 'from b.example (b.example [192.0.2.2]) by mx.relaylab.test (Relay Lab) with ESMTPS id Q2; Tue, 21 Nov 2023 10:00:05 +0000' },
      { name: 'X-Greylist', value: 'delayed 5 seconds' },
      { name: 'Received', value: 'from a.example (a.example [192.0.2.1]) by b.example with ESMTP id Q1; Tue, 21 Nov 2023 10:00:00 +0000' },
      { name: 'From', value: 'a@a.example' },
      { name: 'Date', value: 'Tue, 21 Nov 2023 09:59:00 +0000' },
    ];
    const t = buildHopTimeline(headers, ['Received']);
    expect(t.origin.headers.map((h) => h.name)).toEqual(['From', 'Date']);
    expect(t.hops.map((h) => [h.n, h.info.by, h.ours, h.delayMs])).toEqual([
      [1, 'b.example', false, 60_000],
      [2, 'mx.relaylab.test', true, 5_000],
    ]);
    expect(t.hops[0]!.added.map((h) => h.name)).toEqual(['X-Greylist']);
    expect(buildHopTimeline([{ name: 'From', value: 'x@y' }], []).hops).toEqual([]);
  });
});
