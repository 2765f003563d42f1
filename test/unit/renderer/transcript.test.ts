import { describe, expect, it } from 'vitest';
import type { SessionDetail, SessionSummary } from '../../../engine/api/contract';
import { applySessionEvent, matchesQuery, SessionsStore } from '../../../renderer/lib/live-sessions';
import { buildTranscript } from '../../../renderer/lib/transcript';
import type { StoredEvent } from '../../../renderer/lib/types';

const sid = 'S1';
const open: StoredEvent = { t: 'session.open', sid, at: 1000, listener: 'mx', role: 'mx', local: { ip: '127.0.0.1', port: 25 }, peer: { ip: '203.0.113.9', port: 5000, name: 'unknown' }, net: 'public', tls: false, seq: 1 };
const check = (seq: number, name: string, verdict: Extract<StoredEvent, { t: 'check' }>['verdict']): StoredEvent => ({ t: 'check', sid, at: 1000 + seq, stage: 'rcpt', list: 'relay', check: name, verdict, seq });
const line = (seq: number, dir: 'C' | 'S', text: string, check?: string) => ({ seq, at: 1000 + seq * 10, dir, line: text, ...(check ? { check } : {}) });

const detail: Pick<SessionDetail, 'lines' | 'events'> = {
  lines: [
    line(2, 'S', '220 mx ESMTP'),
    line(3, 'C', 'EHLO x.example'),
    line(4, 'S', '250-mx'),
    line(5, 'S', '250 PIPELINING'),
    line(7, 'C', 'STARTTLS'),
    line(8, 'S', '220 2.0.0 Ready to start TLS'),
    line(10, 'C', 'RCPT TO:<a@else.test>'),
    line(14, 'S', '554 5.7.1 <a@else.test>: Relay access denied', 'reject_unauth_destination'),
    line(15, 'C', 'QUIT'),
  ],
  events: [
    open,
    { t: 'tls', sid, at: 1090, ok: true, protocol: 'TLSv1.3', cipher: 'X', seq: 9 },
    check(11, 'permit_mynetworks', { kind: 'next' }),
    check(12, 'reject_unauth_destination', { kind: 'reject', code: 554, status: '5.7.1', text: 'Relay access denied' }),
    { t: 'session.close', sid, at: 2000, seq: 16 },
  ],
};

describe('transcript', () => {
  it('groups multi-line replies, keeps TLS as a marker and measures the time between lines', () => {
    const rows = buildTranscript(detail);
    expect(rows.map((r) => r.kind)).toEqual(['marker', 'reply', 'client', 'reply', 'client', 'reply', 'marker', 'client', 'reply', 'client', 'marker']);
    const ehloReply = rows[3]!;
    expect(ehloReply.kind === 'reply' && ehloReply.lines.map((l) => l.line)).toEqual(['250-mx', '250 PIPELINING']);
    expect(rows[6]).toMatchObject({ kind: 'marker', tone: 'tls', title: 'TLS established: TLSv1.3, X' });
    expect(rows[2]).toMatchObject({ kind: 'client', gapMs: 10 });
  });

  it('links a reply to the check that produced it and to the checks that ran before it', () => {
    const r = buildTranscript(detail).find((x) => x.kind === 'reply' && x.code === 554);
    expect(r?.kind).toBe('reply');
    if (r?.kind !== 'reply') return;
    expect(r.check?.check).toBe('reject_unauth_destination');
    expect(r.checks.map((c) => c.check)).toEqual(['permit_mynetworks', 'reject_unauth_destination']);
    expect(r.meaning.hint).toMatch(/Relay refused/);
  });
});

describe('live sessions', () => {
  it('derives the summary from events as the recorder does', () => {
    let s = applySessionEvent(undefined, open)!;
    expect(s).toMatchObject({ sid, outcome: 'open', messages: 0, net: 'public' });
    s = applySessionEvent(s, { t: 'helo', sid, at: 1, helo: 'x.example', esmtp: true, seq: 2 })!;
    s = applySessionEvent(s, { t: 'smtp', sid, at: 1, dir: 'S', line: '554 5.7.1 no', seq: 3 })!;
    expect(applySessionEvent(s, { t: 'session.close', sid, at: 5, seq: 4 })).toMatchObject({ outcome: 'rejected', closedAt: 5, helo: 'x.example' });
    s = applySessionEvent(s, { t: 'message.accepted', sid, txn: 't', id: 'Q', at: 2, sender: '', rcpts: [], size: 1, headersAdded: [], seq: 5 })!;
    expect(applySessionEvent(s, { t: 'session.close', sid, at: 5, seq: 6 })?.outcome).toBe('accepted');
    expect(applySessionEvent(undefined, { t: 'helo', sid, at: 1, helo: 'x', esmtp: true, seq: 7 })).toBeUndefined();
    expect(matchesQuery(s, 'X.EXAMPLE')).toBe(true);
    expect(matchesQuery(s, '198.51')).toBe(false);
  });

  it('pages, prepends live sessions, and reconciles sessions touched while a page loads', async () => {
    const summary = (n: number): SessionSummary => ({ sid: `s${n}`, openedAt: n, listener: 'mx', role: 'mx', peer: { ip: '192.0.2.1', port: 1, name: 'unknown' }, net: 'public', tls: false, messages: 0, outcome: 'open' });
    const calls: unknown[] = [];
    let release: () => void = () => {};
    const store = new SessionsStore(async (i) => {
      calls.push(i);
      if (i.q === 's300') return [{ ...summary(300), helo: 'reconciled' }];
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
      const before = i.before ?? Infinity;
      const all = Array.from({ length: 300 }, (_, k) => summary(300 - k)).filter((s) => s.openedAt < before);
      return all.slice(0, i.limit ?? 100);
    });
    const loading = store.load('');
    // While the first page loads: a known session changes, and a new one opens.
    store.onEvent({ t: 'helo', sid: 's300', at: 1, helo: 'during-load', esmtp: true, seq: 10 });
    store.onEvent({ ...open, sid: 'new1', seq: 11 });
    release();
    await loading;
    await new Promise((r) => setTimeout(r, 150));
    let snap = store.getSnapshot();
    expect(snap.rows.slice(0, 2).map((s) => s.sid)).toEqual(['new1', 's300']);
    expect(snap.rows[1]!.helo).toBe('reconciled');
    expect(snap.rows).toHaveLength(201);
    expect(snap.hasMore).toBe(true);
    await store.loadMore();
    snap = store.getSnapshot();
    expect(snap.rows).toHaveLength(301);
    expect(new Set(snap.rows.map((s) => s.sid)).size).toBe(301);
    expect(snap.hasMore).toBe(false);
  });
});

describe('transcript: authentication at end of data', () => {
  it('shows the verdict as its own row and links a DMARC refusal to the authentication step', () => {
    const verdict = {
      spf: { result: 'none', identity: 'mailfrom', sender: 'x@f.test', domain: 'f.test', clientIp: '203.0.113.9', helo: 'f.test', lookups: { count: 0, limit: 10, void: 0, voidLimit: 2 }, comment: 'f.test does not designate permitted sender hosts', records: [] },
      dkim: [],
      dmarc: { result: 'fail', fromDomain: 'example.org', orgDomain: 'example.org', disposition: 'reject', spf: { domain: 'f.test', result: 'none', aligned: false, mode: 'r', counts: false }, dkim: [], dkimMode: 'r' },
      arc: { result: 'none', sets: [], sealable: true },
      dnsQueries: [],
      headers: { authenticationResults: '', receivedSpf: '', authResPayload: '' },
      ms: 3,
    } as unknown as Extract<StoredEvent, { t: 'mailauth' }>['verdict'];
    const rows = buildTranscript({
      lines: [line(20, 'C', 'DATA'), line(21, 'S', '354 go ahead'), line(24, 'S', '550 5.7.1 rejected by DMARC policy for example.org', 'mailauth')],
      events: [{ t: 'mailauth', sid, txn: 't', id: 'Q1', at: 1220, verdict, decision: { action: 'reject', code: 550, status: '5.7.1', text: 'rejected by DMARC policy for example.org', reason: 'DMARC fail, p=reject' }, seq: 22 }],
    });
    expect(rows.map((r) => r.kind)).toEqual(['client', 'reply', 'auth', 'reply']);
    const last = rows[3]!;
    expect(last.kind === 'reply' && [last.checkName, last.check, last.meaning.hint]).toEqual(['mailauth', undefined, expect.stringMatching(/DMARC policy says to reject/)]);
  });
});
