import { describe, expect, it } from 'vitest';
import { buildFailureNotice, isDeliveryReport, mayNotify, rfc5322Date, type FailureNoticeInput } from '../../../engine/delivery/dsn';

// --- a small MIME reader, enough to check the notice's structure ---------------------------

type Headers = Map<string, string[]>;

function parseHeaders(block: string): Headers {
  const h: Headers = new Map();
  for (const l of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    if (!l) continue;
    const i = l.indexOf(':');
    expect(i).toBeGreaterThan(0);
    const k = l.slice(0, i).toLowerCase();
    h.set(k, [...(h.get(k) ?? []), l.slice(i + 1).trim()]);
  }
  return h;
}

function splitEntity(s: string): { headers: Headers; body: string } {
  const i = s.indexOf('\r\n\r\n');
  expect(i).toBeGreaterThan(0);
  return { headers: parseHeaders(s.slice(0, i)), body: s.slice(i + 4) };
}

function parts(msg: string) {
  const top = splitEntity(msg);
  const ct = top.headers.get('content-type')?.[0] ?? '';
  const boundary = /boundary="([^"]+)"/.exec(ct)?.[1];
  expect(boundary).toBeTruthy();
  const chunks = top.body.split(`--${boundary}`);
  expect(chunks.at(-1)).toBe('--\r\n'); // closing delimiter, then the end
  const inner = chunks.slice(1, -1).map((c) => {
    expect(c.startsWith('\r\n')).toBe(true);
    return splitEntity(c.slice(2).replace(/\r\n$/, ''));
  });
  return { top, inner };
}

/** message/delivery-status body → groups of fields (per-message, then per-recipient). */
function statusGroups(body: string): Headers[] {
  return body.replace(/\r\n$/, '').split('\r\n\r\n').map(parseHeaders);
}

const base: FailureNoticeInput = {
  reportingMta: 'mx.relaylab.test',
  queueId: '4SZk3x1yQJz9sWN',
  arrivalDate: new Date(Date.UTC(2023, 10, 21, 9, 15, 2)),
  now: new Date(Date.UTC(2023, 10, 21, 9, 20, 0)),
  sender: 'alice@relaylab.test',
  recipients: [
    {
      rcpt: 'bob@example.net',
      origRcpt: 'bob@example.net',
      dsn: {
        action: 'failed', status: '5.1.1', remoteMta: 'dns; mx.example.net',
        reason: 'host mx.example.net[127.0.0.5] said: 550 5.1.1 <bob@example.net>: User unknown (in reply to RCPT TO command)',
        diagnostic: 'smtp; 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
      },
    },
    {
      rcpt: 'carol@example.org',
      dsn: { action: 'failed', status: '5.1.10', reason: 'Domain example.org does not accept mail (nullMX)' },
    },
  ],
  headersOfOriginal: 'Received: from a\n\tby b; Tue, 21 Nov 2023 09:15:02 +0000\nFrom: Alice <alice@relaylab.test>\nSubject: hello\n\nbody must not be included\n',
};

describe('buildFailureNotice', () => {
  const msg = buildFailureNotice(base);

  it('uses CRLF line endings only, and no line over 998 characters', () => {
    expect(msg).not.toMatch(/[^\r]\n/);
    expect(msg).not.toMatch(/\r[^\n]/);
    expect(msg.endsWith('\r\n')).toBe(true);
    for (const l of msg.split('\r\n')) expect(l.length).toBeLessThanOrEqual(998);
  });

  it('has the Postfix top-level headers', () => {
    const { top } = parts(msg);
    const h = (k: string) => top.headers.get(k)?.[0];
    expect(h('from')).toBe('MAILER-DAEMON@mx.relaylab.test (Mail Delivery System)');
    expect(h('to')).toBe('alice@relaylab.test');
    expect(h('subject')).toBe('Undelivered Mail Returned to Sender');
    expect(h('auto-submitted')).toBe('auto-replied');
    expect(h('mime-version')).toBe('1.0');
    expect(h('date')).toBe('Tue, 21 Nov 2023 09:20:00 +0000');
    expect(h('message-id')).toMatch(/^<20231121092000\.4SZk3x1yQJz9sWN\.[0-9a-f]+@mx\.relaylab\.test>$/);
    expect(h('content-type')).toMatch(/^multipart\/report; report-type=delivery-status; boundary="[^"]+"$/);
  });

  it('has three parts: human text, delivery-status, original headers', () => {
    const { inner } = parts(msg);
    expect(inner.map((p) => p.headers.get('content-type')?.[0])).toEqual(['text/plain; charset=us-ascii', 'message/delivery-status', 'text/rfc822-headers']);
    expect(inner[0]!.body).toContain('This is the mail system at host mx.relaylab.test.');
    expect(inner[0]!.body).toContain('<bob@example.net>: host mx.example.net[127.0.0.5] said: 550 5.1.1');
    expect(inner[0]!.body).toContain('<carol@example.org>: Domain example.org does not accept mail (nullMX)');
  });

  it('reports per message and per recipient in RFC 3464 fields', () => {
    const { inner } = parts(msg);
    const [perMsg, bob, carol, ...rest] = statusGroups(inner[1]!.body);
    expect(rest).toEqual([]);
    expect(Object.fromEntries([...perMsg!].map(([k, v]) => [k, v[0]]))).toEqual({
      'reporting-mta': 'dns; mx.relaylab.test',
      'x-postfix-queue-id': '4SZk3x1yQJz9sWN',
      'x-postfix-sender': 'rfc822; alice@relaylab.test',
      'arrival-date': 'Tue, 21 Nov 2023 09:15:02 +0000',
    });
    expect(Object.fromEntries([...bob!].map(([k, v]) => [k, v[0]]))).toEqual({
      'final-recipient': 'rfc822; bob@example.net',
      'original-recipient': 'rfc822;bob@example.net',
      action: 'failed',
      status: '5.1.1',
      'remote-mta': 'dns; mx.example.net',
      'diagnostic-code': 'smtp; 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
    });
    expect(carol!.get('final-recipient')).toEqual(['rfc822; carol@example.org']);
    expect(carol!.get('original-recipient')).toBeUndefined();
    expect(carol!.get('remote-mta')).toBeUndefined();
    expect(carol!.get('status')).toEqual(['5.1.10']);
    expect(carol!.get('diagnostic-code')).toEqual(['X-Postfix; Domain example.org does not accept mail (nullMX)']);
  });

  it('returns only the original headers, in CRLF, folded lines kept', () => {
    const { inner } = parts(msg);
    expect(inner[2]!.body).toBe('Received: from a\r\n\tby b; Tue, 21 Nov 2023 09:15:02 +0000\r\nFrom: Alice <alice@relaylab.test>\r\nSubject: hello\r\n');
  });

  it('is itself recognised as a delivery report', () => {
    expect(isDeliveryReport(msg)).toBe(true);
  });

  it('keeps network-supplied text from breaking lines or the structure', () => {
    const evil = buildFailureNotice({
      ...base,
      sender: 'alice@relaylab.test\r\nBcc: victim@example.com',
      recipients: [{ rcpt: 'x@y\r\nAction: delivered', dsn: { action: 'failed', status: '5.0.0', reason: 'r\r\nX: y', diagnostic: `smtp; 550 ${'word '.repeat(400)}\r\n\r\n--fake--` } }],
    });
    expect(evil).not.toMatch(/^Bcc:/m);
    const { inner } = parts(evil);
    const groups = statusGroups(inner[1]!.body);
    expect(groups).toHaveLength(2);
    expect(groups[1]!.get('action')).toEqual(['failed']);
    for (const l of evil.split('\r\n')) expect(l.length).toBeLessThanOrEqual(998);
  });

  it('builds a delay warning', () => {
    const d = buildFailureNotice({
      ...base,
      delay: true,
      willRetryUntil: new Date(Date.UTC(2023, 10, 26, 9, 15, 2)),
      recipients: [{ rcpt: 'bob@example.net', dsn: { action: 'delayed', status: '4.4.1', reason: 'connect to mx.example.net[127.0.0.5]:25: Connection refused' } }],
    });
    const { top, inner } = parts(d);
    expect(top.headers.get('subject')).toEqual(['Delayed Mail (still being retried)']);
    expect(inner[0]!.body).toContain('THIS IS A WARNING ONLY');
    const groups = statusGroups(inner[1]!.body);
    expect(groups[1]!.get('action')).toEqual(['delayed']);
    expect(groups[1]!.get('will-retry-until')).toEqual(['Sun, 26 Nov 2023 09:15:02 +0000']);
  });

  it('refuses the null sender and an empty recipient list', () => {
    expect(() => buildFailureNotice({ ...base, sender: '' })).toThrow(/null sender/);
    expect(() => buildFailureNotice({ ...base, recipients: [] })).toThrow(/no recipients/);
  });

  it('marks a non-ASCII explanation as utf-8 and an SMTPUTF8 address as utf-8', () => {
    const d = buildFailureNotice({ ...base, recipients: [{ rcpt: 'jürgen@example.de', dsn: { action: 'failed', status: '5.1.1', reason: 'Empfänger unbekannt' } }] });
    const { inner } = parts(d);
    expect(inner[0]!.headers.get('content-type')).toEqual(['text/plain; charset=utf-8']);
    expect(statusGroups(inner[1]!.body)[1]!.get('final-recipient')).toEqual(['utf-8; jürgen@example.de']);
  });
});

describe('isDeliveryReport', () => {
  const table: [string, boolean][] = [
    ['Content-Type: multipart/report; report-type=delivery-status; boundary="x"\r\n', true],
    ['content-type: Multipart/Report;\r\n\treport-type="delivery-status";\r\n\tboundary="x"\r\n', true],
    ['Subject: x\nContent-Type: multipart/report; boundary=x; report-type=delivery-status\n\nbody', true],
    ['Content-Type: multipart/report; report-type=disposition-notification; boundary="x"\r\n', false],
    ['Content-Type: multipart/mixed; boundary="x"\r\n', false],
    ['Content-Type: text/plain\r\n\r\nContent-Type: multipart/report; report-type=delivery-status\r\n', false],
    ['X-Content-Type: multipart/report; report-type=delivery-status\r\n', false],
    ['', false],
  ];
  for (const [h, want] of table) it(`${JSON.stringify(h.slice(0, 60))} → ${want}`, () => expect(isDeliveryReport(h)).toBe(want));
});

describe('mayNotify (MTA-SEMANTICS §7.2)', () => {
  const table: [Parameters<typeof mayNotify>[0], boolean][] = [
    [{ sender: '', authenticated: true, net: 'local', isReport: false }, false],
    [{ sender: 'a@b', authenticated: true, net: 'local', isReport: true }, false],
    [{ sender: 'a@b', authenticated: true, net: 'public', isReport: false }, true],
    [{ sender: 'a@b', authenticated: false, net: 'local', isReport: false }, true],
    [{ sender: 'a@b', authenticated: false, net: 'vpn', isReport: false }, true],
    [{ sender: 'a@b', authenticated: false, net: 'public', isReport: false }, false],
    [{ sender: '', authenticated: false, net: 'public', isReport: true }, false],
  ];
  for (const [input, send] of table) {
    it(`${JSON.stringify(input)} → ${send}`, () => {
      const d = mayNotify(input);
      expect(d.send).toBe(send);
      if (!d.send) expect(d.reason.length).toBeGreaterThan(10);
    });
  }
  it('says why a public unauthenticated sender gets nothing', () => {
    expect(mayNotify({ sender: 'a@b', authenticated: false, net: 'public', isReport: false })).toEqual({ send: false, reason: expect.stringMatching(/backscatter/) });
  });
});

describe('rfc5322Date', () => {
  it('formats in UTC', () => expect(rfc5322Date(new Date(Date.UTC(2030, 0, 5, 3, 4, 5)))).toBe('Sat, 5 Jan 2030 03:04:05 +0000'));
});
