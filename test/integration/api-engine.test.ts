// Every issue-2 API method over real HTTP against a real engine, and the live event stream.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { startHttpApi, type HttpApi } from '../../engine/api/http';
import { startTestEngine, waitFor, type TestEngine } from '../helpers/engine';
import type { MessageDetail, QueueItem, SessionDetail, SessionSummary, MessageSummary } from '../../engine/api/contract';

const TOKEN = 'test-token-0123456789abcdef';
let te: TestEngine;
let api: HttpApi;

beforeAll(async () => {
  // remote.test goes to a port nothing listens on: its mail defers, so queue actions have work.
  te = await startTestEngine({ transport: { 'remote.test': 'smtp:[127.0.0.1]:9' } });
  api = await startHttpApi({ address: '127.0.0.1', port: 0, token: TOKEN, impl: te.engine.api, events: te.engine.events });
});
afterAll(async () => { await api?.close(); await te?.stop(); });

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${api.port}/api/${method}`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(input),
  });
  expect(res.status).toBe(200);
  const reply = (await res.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!reply.ok) throw Object.assign(new Error(reply.error?.message), { code: reply.error?.code });
  return reply.value as T;
}

/** Collect SSE events until `until` says stop (or the timeout). */
function events(until: (e: { t: string; seq: number }) => boolean, lastEventId?: number): Promise<{ t: string; seq: number }[]> {
  return new Promise((resolve, reject) => {
    const got: { t: string; seq: number }[] = [];
    const req = http.get({ host: '127.0.0.1', port: api.port, path: '/api/events',
      headers: { authorization: `Bearer ${TOKEN}`, ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}) } }, (res) => {
      let buf = '';
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!data) continue;
          const e = JSON.parse(data) as { t: string; seq: number };
          got.push(e);
          if (until(e)) { req.destroy(); resolve(got); return; }
        }
      });
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
    setTimeout(() => { req.destroy(); resolve(got); }, 10_000).unref();
  });
}

describe('HTTP API on a real engine', () => {
  it('streams a session live, then lists and shows it with its transcript and message', async () => {
    const live = events((e) => e.t === 'message.accepted');
    await new Promise((r) => setTimeout(r, 100));
    const info = await nodemailer.createTransport({ host: '127.0.0.1', port: te.port('mx'), ignoreTLS: true })
      .sendMail({ from: 'ann@example.org', to: 'bea@relaylab.test', subject: 'api test', text: 'hello' });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const seen = await live;
    expect(seen.map((e) => e.t)).toEqual(expect.arrayContaining(['session.open', 'smtp', 'message.accepted']));

    const sessions = await call<SessionSummary[]>('sessions.list', {});
    const s = sessions.find((x) => x.messages > 0 || x.outcome === 'open') as SessionSummary;
    const detail = await call<SessionDetail>('sessions.get', { sid: s.sid });
    expect(detail.lines.some((l) => l.dir === 'C' && l.line.startsWith('MAIL FROM:<ann@example.org>'))).toBe(true);
    expect(detail.lines.some((l) => l.dir === 'S' && l.line.includes(`queued as ${id}`))).toBe(true);
    expect(detail.messages).toContain(id);

    const msgs = await call<MessageSummary[]>('messages.list', { q: 'api test' });
    expect(msgs.map((m) => m.id)).toContain(id);
    const m = await call<MessageDetail>('messages.get', { id });
    expect(m.envelope.sender).toBe('ann@example.org');
    expect(m.headers[0]?.name).toBe('Received');
    expect(m.headers.find((h) => h.name === 'Subject')?.value).toBe('api test');
    const delivered = await waitFor(async () => { const d = await call<MessageDetail>('messages.get', { id }); return d.deliveries.length > 0 && d; }, 10_000, 'delivery');
    expect(delivered.deliveries[0]?.dsn.action).toBe('delivered');

    // Reconnecting with Last-Event-ID replays exactly what came after it.
    const first = seen[0] as { seq: number };
    const replay = await events((e) => e.seq >= (seen[seen.length - 1] as { seq: number }).seq, first.seq);
    expect(replay[0]?.seq).toBe(first.seq + 1);
  });

  it('messages.send composes and sends through a listener (STARTTLS + AUTH, XCLIENT); messages.raw returns the source', async () => {
    te.engine.users.add('sam', 'send test password');
    const ok = await call<{ sid: string; accepted: boolean; id?: string; reply: string }>('messages.send', {
      listener: 'submission', sender: 'sam@relaylab.test', recipients: ['tess@relaylab.test'], subject: 'composed', text: 'line one\n.dot line\n',
      auth: { user: 'sam', password: 'send test password' },
    });
    expect(ok).toMatchObject({ accepted: true, reply: expect.stringMatching(/^250 2\.0\.0 Ok: queued as/) });
    const s = await call<SessionDetail>('sessions.get', { sid: ok.sid });
    expect(s.summary.tls).toBe(true);
    expect(s.summary.authUser).toBe('sam');
    await waitFor(async () => (await call<MessageDetail>('messages.get', { id: ok.id })).summary.state === 'sent', 10_000, 'sent');
    const raw = await call<{ base64: string; size: number }>('messages.raw', { id: ok.id });
    const text = Buffer.from(raw.base64, 'base64').toString();
    expect(text).toMatch(/^Received: from compose\.relaylab\.test/);
    expect(text).toContain('\r\n.dot line\r\n'); // dot-stuffed on the wire, unstuffed in the store
    // As if from a public address: relaying is refused, as a value, with the reply.
    const refused = await call<{ accepted: boolean; reply: string }>('messages.send', {
      listener: 'mx', sender: 'x@example.org', recipients: ['y@elsewhere.test'], text: 'hi', xclient: { addr: '192.0.2.5' },
    });
    expect(refused).toMatchObject({ accepted: false, reply: '554 5.7.1 <y@elsewhere.test>: Relay access denied' });
    await expect(call('messages.send', { listener: 'nope', sender: '', recipients: ['a@b.test'], text: '' })).rejects.toMatchObject({ code: 'SEND.NO_LISTENER' });
    await expect(call('messages.send', { listener: 'mx', sender: 'a@b.test>\r\nRCPT TO:<x@y>', recipients: ['a@b.test'], text: '' })).rejects.toMatchObject({ code: 'API.BAD_INPUT' });
  });

  it('config.apply saves the file, applies the restriction lists live and names what needs a restart', async () => {
    const current = await call<{ source: string; path: string }>('config.get', {});
    const bad = await call<{ ok: boolean; errors?: { line?: number; key?: string }[] }>('config.apply', { yaml: `${current.source}\nbogus: 1\n` });
    expect(bad.ok).toBe(false);
    const next = `${current.source}policy:\n  sender: ["check_sender_access inline:{ { blocked@example.org=REJECT applied live } }"]\nlimits:\n  message_size_limit: 2000000\n`;
    const r = await call<{ ok: boolean; applied: string[]; restartNeeded: string[]; savedTo: string }>('config.apply', { yaml: next });
    expect(r).toMatchObject({ ok: true, applied: ['policy'], restartNeeded: ['limits'], savedTo: current.path });
    expect((await import('node:fs')).readFileSync(current.path, 'utf8')).toBe(next);
    const refused = await call<{ accepted: boolean; reply: string }>('messages.send', { listener: 'mx', sender: 'blocked@example.org', recipients: ['tess@relaylab.test'], text: 'x' });
    expect(refused).toMatchObject({ accepted: false, reply: '554 5.7.1 <blocked@example.org>: Sender address rejected: applied live' });
  });

  it('queue.list, queue.hold, queue.release, queue.flush and queue.delete on a deferred message', async () => {
    const info = await nodemailer.createTransport({ host: '127.0.0.1', port: te.port('mx'), ignoreTLS: true })
      .sendMail({ from: 'ann@relaylab.test', to: 'far@remote.test', subject: 'will defer', text: 'x' });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await waitFor(async () => (await call<QueueItem[]>('queue.list', { state: 'deferred' })).some((q) => q.id === id), 15_000, 'deferred');
    expect((await call<QueueItem>('queue.hold', { id })).state).toBe('hold');
    await expect(call('queue.hold', { id })).rejects.toMatchObject({ code: 'QUEUE.BAD_STATE' });
    expect((await call<QueueItem>('queue.release', { id })).state).toBe('incoming');
    await waitFor(async () => (await call<QueueItem[]>('queue.list', { state: 'deferred' })).some((q) => q.id === id), 15_000, 'deferred again');
    expect(await call<{ count: number }>('queue.flush', {})).toEqual({ count: 1 });
    await waitFor(async () => (await call<QueueItem[]>('queue.list', { state: 'deferred' })).some((q) => q.id === id), 15_000, 'deferred after flush');
    expect(await call('queue.delete', { id })).toEqual({ id });
    await expect(call('messages.get', { id })).rejects.toMatchObject({ code: 'MESSAGE.NOT_FOUND' });
    await expect(call('queue.delete', { id: 'NOSUCHID0000' })).rejects.toMatchObject({ code: 'QUEUE.NOT_FOUND' });
  });
});
