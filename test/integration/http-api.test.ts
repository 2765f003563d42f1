// The HTTP+SSE adapter on a real loopback socket, driven by Node's fetch and http.request.
// EngineApi and EventFeed are in-memory fakes here: this tests the transport (auth, Host/Origin,
// limits, SSE replay, static files); the real SQLite-backed implementation is tested elsewhere.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { EngineApi, EngineStatus, QueueItem } from '../../engine/api/contract';
import { LabError } from '../../engine/api/errors';
import { startHttpApi, type EventFeed, type HttpApi, type HttpApiOptions } from '../../engine/api/http';
import type { StoredEvent } from '../../engine/trace/events';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

// ------------------------------------------------------------------------------------ fakes
const item: QueueItem = { id: 'Q1', state: 'deferred', sender: 'a@x.test', recipients: 2, pending: 1, size: 100, arrivedAt: 1, attempts: 1 };
const status: EngineStatus = {
  hostname: 'mx.test',
  version: '0.0.0',
  listeners: [],
  uptimeMs: 1,
  queue: { incoming: 0, active: 0, deferred: 1, hold: 0, corrupt: 0, sent: 0, bounced: 0 },
  lastSeq: 0,
};

function fakeImpl(): EngineApi {
  return {
    'sessions.list': async () => [],
    'sessions.get': async ({ sid }) => {
      throw new LabError('SESSION.NOT_FOUND', `no session ${sid}`);
    },
    'messages.list': async () => [],
    'messages.get': async ({ id }) => {
      throw new LabError('MESSAGE.NOT_FOUND', `no message ${id}`);
    },
    'messages.raw': async ({ id }) => {
      throw new LabError('MESSAGE.NOT_FOUND', `no message ${id}`);
    },
    'messages.send': async () => ({ sid: 'x', accepted: false, reply: '554 no' }),
    'queue.list': async () => [item],
    'queue.flush': async () => ({ count: 1 }),
    'queue.hold': async ({ id }) => ({ ...item, id, state: 'hold' }),
    'queue.release': async ({ id }) => ({ ...item, id, state: 'incoming' }),
    'queue.delete': async () => {
      throw new Error('disk on fire at /var/secret');
    },
    'config.get': async () => ({ config: { hostname: 'mx.test' }, path: null, source: null }),
    'config.validate': async () => ({ ok: true }),
    'config.apply': async () => ({ ok: true, savedTo: '/x', applied: [], restartNeeded: [] }),
    'engine.status': async () => status,
  };
}

class FakeFeed implements EventFeed {
  stored: StoredEvent[] = [];
  subs = new Set<(e: StoredEvent) => void>();
  seq = 0;
  /** Called at the start of every since(): lets a test make events arrive during a replay. */
  onSince?: (seq: number) => void;
  /** The highest seq published (TraceBus.lastSeq); a test may remove it. */
  lastSeq?: () => number = () => this.seq;

  since(seq: number, limit: number): StoredEvent[] {
    this.onSince?.(seq);
    return this.stored.filter((e) => e.seq > seq).slice(0, limit);
  }
  subscribe(fn: (e: StoredEvent) => void): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }
  make(line = 'x'): StoredEvent {
    return { t: 'smtp', sid: 'S1', at: 0, dir: 'C', line, seq: ++this.seq };
  }
  /** Store, then publish (the contract). */
  emit(line?: string): StoredEvent {
    const e = this.make(line);
    this.stored.push(e);
    for (const f of [...this.subs]) f(e);
    return e;
  }
  /** Publish without storing yet, as the real bus + lazy recorder do; store() later. */
  publishOnly(): StoredEvent {
    const e = this.make();
    for (const f of [...this.subs]) f(e);
    return e;
  }
  store(e: StoredEvent): void {
    this.stored.push(e);
    this.stored.sort((x, y) => x.seq - y.seq);
  }
  /** Store without publishing: an event from before the client connected. */
  storeOnly(): StoredEvent {
    const e = this.make();
    this.stored.push(e);
    return e;
  }
}

// ------------------------------------------------------------------------------------ helpers
interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** http.request lets a test send what fetch would not (a foreign Host, an unnormalised path). */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function until(cond: () => boolean, what: string): Promise<void> {
  // No time limit of our own: the test timeout is the failure; this just polls.
  void what; // named for the reader: a hang here is reported by the test timeout
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** A minimal SSE reader over fetch's body stream. */
async function openSse(base: string, headers: Record<string, string> = {}, query = '') {
  const ac = new AbortController();
  const res = await fetch(`${base}api/events${query}`, { headers: { ...auth, ...headers }, signal: ac.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  const frames: SseFrame[] = [];
  async function next(): Promise<SseFrame> {
    for (;;) {
      const f = frames.shift();
      if (f) return f;
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buf += value;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const frame: SseFrame = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) frame.comment = line.slice(1).trim();
          else if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('data: ')) frame.data = line.slice(6);
        }
        frames.push(frame);
      }
    }
  }
  /** The next n trace events (comments and retry frames skipped). */
  async function events(n: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    while (out.length < n) {
      const f = await next();
      if (f.event !== 'trace') continue;
      const e = JSON.parse(f.data!) as StoredEvent;
      expect(f.id).toBe(String(e.seq));
      out.push(e);
    }
    return out;
  }
  return { res, next, events, close: () => ac.abort() };
}

// ------------------------------------------------------------------------------------ setup
let api: HttpApi | undefined;
let feed: FakeFeed;
let logs: string[];

async function start(extra: Partial<HttpApiOptions> = {}): Promise<HttpApi> {
  feed = new FakeFeed();
  logs = [];
  api = await startHttpApi({ address: '127.0.0.1', port: 0, token: TOKEN, impl: fakeImpl(), events: feed, log: (l) => logs.push(l), ...extra });
  return api;
}

afterEach(async () => {
  await api?.close();
  api = undefined;
});

const post = (a: HttpApi, method: string, body: unknown, headers: Record<string, string> = auth) =>
  fetch(`${a.url}api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

// ------------------------------------------------------------------------------------ tests
describe('HTTP API: calls', () => {
  it('POST /api/<method> returns the Reply with security headers and no CORS', async () => {
    const a = await start();
    expect(a.url).toBe(`http://127.0.0.1:${a.port}/`);
    const res = await post(a, 'queue.list', {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    expect(await res.json()).toEqual({ ok: true, value: [item] });
  });

  it('an empty body is {}', async () => {
    const a = await start();
    const res = await fetch(`${a.url}api/engine.status`, { method: 'POST', headers: auth });
    expect(await res.json()).toEqual({ ok: true, value: status });
  });

  it('errors travel in the envelope with status 200', async () => {
    const a = await start();
    for (const [method, body, code] of [
      ['no.such', {}, 'API.UNKNOWN_METHOD'],
      ['__proto__', {}, 'API.UNKNOWN_METHOD'],
      ['constructor', {}, 'API.UNKNOWN_METHOD'],
      ['sessions.list', { limit: 'ten' }, 'API.BAD_INPUT'],
      ['sessions.get', { sid: 'S1' }, 'SESSION.NOT_FOUND'],
      ['queue.delete', { id: 'Q1' }, 'API.INTERNAL'],
    ] as const) {
      const res = await post(a, method, body);
      expect(res.status, method).toBe(200);
      const r = (await res.json()) as { ok: boolean; error: { code: string; message: string } };
      expect(r.ok).toBe(false);
      expect(r.error.code, method).toBe(code);
      expect(r.error.message).not.toMatch(/fire|secret|\n\s+at /);
    }
    const bad = (await (await post(a, 'sessions.list', { limit: 'ten' })).json()) as { error: { message: string } };
    expect(bad.error.message).toMatch(/limit/);
    expect(logs.join('\n')).toMatch(/queue\.delete failed: .*disk on fire/);
  });

  it('a body that is not JSON → 400 API.BAD_INPUT', async () => {
    const a = await start();
    const res = await post(a, 'queue.list', '{not json');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'API.BAD_INPUT' } });
  });

  it('a body over 1 MiB → 413, with or without Content-Length', async () => {
    const a = await start();
    const big = JSON.stringify({ yaml: 'a'.repeat(1024 * 1024 + 10) });
    const res = await post(a, 'config.validate', big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'API.TOO_LARGE' } });

    const chunk = new TextEncoder().encode('b'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 1024) c.enqueue(chunk); // 64 MiB if nobody stopped it
        else c.close();
      },
    });
    const streamed = await fetch(`${a.url}api/config.validate`, { method: 'POST', headers: auth, body, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(1024); // it answered (and stopped reading) long before the end
  });

  it('wrong HTTP method → 405; OPTIONS → 405 without CORS headers', async () => {
    const a = await start();
    const get = await fetch(`${a.url}api/queue.list`, { headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const opt = await raw(a.port, { method: 'OPTIONS', path: '/api/queue.list', headers: { ...auth, origin: `http://127.0.0.1:${a.port}`, 'access-control-request-method': 'POST' } });
    expect(opt.status).toBe(405);
    expect(Object.keys(opt.headers).filter((k) => k.startsWith('access-control-'))).toEqual([]);
    expect((await post(a, 'queue.list', {}, {})).status).toBe(401); // sanity: POST without token
    const postEvents = await fetch(`${a.url}api/events`, { method: 'POST', headers: auth });
    expect(postEvents.status).toBe(405);
  });
});

describe('HTTP API: who may call', () => {
  it('no token or a wrong token → 401', async () => {
    const a = await start();
    for (const headers of <Record<string, string>[]>[{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${TOKEN}x` }, { authorization: TOKEN }, { cookie: 'relaylab_token=nope' }]) {
      const res = await post(a, 'queue.list', {}, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'API.UNAUTHORIZED' } });
    }
    expect((await fetch(`${a.url}api/events`)).status).toBe(401);
    expect((await fetch(a.url)).status).toBe(401);
  });

  it('Host must be a loopback name with our port (DNS rebinding) → else 403', async () => {
    const a = await start();
    const call = (host: string) => raw(a.port, { method: 'POST', path: '/api/queue.list', headers: { ...auth, host, 'content-type': 'application/json' }, body: '{}' });
    for (const host of ['evil.example', `evil.example:${a.port}`, `127.0.0.1:${a.port + 1}`, `127.0.0.1`, `localhost.evil.example:${a.port}`, `10.0.0.1:${a.port}`]) {
      const res = await call(host);
      expect(res.status, host).toBe(403);
      expect(res.body).toMatch(/API.FORBIDDEN/);
    }
    for (const host of [`127.0.0.1:${a.port}`, `localhost:${a.port}`, `LOCALHOST:${a.port}`, `[::1]:${a.port}`]) {
      expect((await call(host)).status, host).toBe(200);
    }
  });

  it('a cross-origin Origin → 403; our own origin is fine', async () => {
    const a = await start();
    const call = (origin: string) => raw(a.port, { method: 'POST', path: '/api/queue.list', headers: { ...auth, origin }, body: '{}' });
    for (const origin of ['http://evil.example', 'null', `https://127.0.0.1:${a.port}`, `http://127.0.0.1:${a.port + 1}`, `http://127.0.0.1:${a.port}.evil.example`]) {
      expect((await call(origin)).status, origin).toBe(403);
    }
    expect((await call(`http://127.0.0.1:${a.port}`)).status).toBe(200);
    expect((await call(`http://localhost:${a.port}`)).status).toBe(200);
  });

  it('/?token= sets an HttpOnly SameSite=Strict cookie and redirects to /; the cookie then works', async () => {
    const a = await start();
    const wrong = await fetch(`${a.url}?token=nope`, { redirect: 'manual' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const res = await fetch(`${a.url}?token=${TOKEN}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^relaylab_token=[^;]+;/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    const cookie = setCookie.split(';')[0]!;

    const page = await fetch(a.url, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await page.text()).toMatch(/not built/);
    expect(await (await post(a, 'queue.list', {}, { cookie })).json()).toEqual({ ok: true, value: [item] });
    expect((await fetch(`${a.url}index.html?token=${TOKEN}`, { redirect: 'manual' })).status).toBe(302);
  });

  it('refuses a short token', async () => {
    await expect(startHttpApi({ address: '127.0.0.1', port: 0, token: 'short', impl: fakeImpl(), events: new FakeFeed() })).rejects.toThrow(/token/);
  });

  it('a port in use gives one clear error', async () => {
    const a = await start();
    await expect(startHttpApi({ address: '127.0.0.1', port: a.port, token: TOKEN, impl: fakeImpl(), events: new FakeFeed() })).rejects.toThrow(
      new RegExp(`cannot listen on 127.0.0.1:${a.port}: the port is in use`),
    );
  });
});

describe('HTTP API: server-sent events', () => {
  it('streams live events as id/event/data frames', async () => {
    const a = await start();
    const sse = await openSse(a.url);
    expect(sse.res.status).toBe(200);
    expect(sse.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(feed.subs.size).toBe(1);
    const sent = [feed.emit('EHLO a'), feed.emit('250 ok')];
    expect(await sse.events(2)).toEqual(sent);
    sse.close();
    await until(() => feed.subs.size === 0, 'the subscription to be removed');
  });

  it('a reconnect with Last-Event-ID gets exactly the missed events, then live ones', async () => {
    const a = await start();
    const first = await openSse(a.url);
    feed.emit();
    feed.emit();
    feed.emit();
    const got = await first.events(3);
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3]);
    first.close();
    await until(() => feed.subs.size === 0, 'the first stream to close');

    feed.emit(); // 4..6: while disconnected
    feed.emit();
    feed.emit();
    const second = await openSse(a.url, { 'last-event-id': '3' });
    feed.emit(); // 7: live
    const after = await second.events(4);
    expect(after.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    feed.emit(); // 8
    expect((await second.events(1)).map((e) => e.seq)).toEqual([8]);
    second.close();

    const viaQuery = await openSse(a.url, {}, '?since=6');
    expect((await viaQuery.events(2)).map((e) => e.seq)).toEqual([7, 8]);
    viaQuery.close();
  });

  it('switches from replay to live without a gap or a duplicate', async () => {
    const a = await start();
    for (let i = 0; i < 2500; i++) feed.storeOnly(); // 1..2500, more than two replay pages
    let calls = 0;
    feed.onSince = () => {
      calls++;
      if (calls === 2) feed.emit(); // 2501: stored and published while the replay is under way
      if (calls === 3) {
        // 2502: published before the store has it (a lagging store); only the live buffer has it
        const e = feed.make();
        for (const f of [...feed.subs]) f(e);
        feed.onSince = () => feed.stored.push(e);
      }
    };
    const sse = await openSse(a.url, { 'last-event-id': '0' });
    const replayed = await sse.events(2502);
    feed.emit(); // 2503
    const live = await sse.events(1);
    const seqs = [...replayed, ...live].map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 2503 }, (_, i) => i + 1));
    sse.close();
  });

  it('a replay waits for a store that lags behind the live stream (publish, then store)', async () => {
    const a = await start();
    feed.emit(); // 1..3 stored
    feed.emit();
    feed.emit();
    const late = [feed.publishOnly(), feed.publishOnly(), feed.publishOnly()]; // 4..6 not stored yet
    const sse = await openSse(a.url, { 'last-event-id': '2' });
    feed.emit(); // 7: live, stored (the fake stores in order only when told)
    setTimeout(() => late.forEach((e) => feed.store(e)), 30);
    expect((await sse.events(5)).map((e) => e.seq)).toEqual([3, 4, 5, 6, 7]);
    sse.close();
  });

  it('without lastSeq() the feed is trusted to store before it publishes', async () => {
    const a = await start();
    delete feed.lastSeq;
    feed.emit();
    feed.emit();
    const sse = await openSse(a.url, { 'last-event-id': '1' });
    feed.emit();
    expect((await sse.events(2)).map((e) => e.seq)).toEqual([2, 3]);
    sse.close();
  });

  it('a Last-Event-ID ahead of the trace (a fresh data dir) replays from the start', async () => {
    const a = await start();
    feed.emit();
    feed.emit();
    const sse = await openSse(a.url, { 'last-event-id': '99' });
    expect((await sse.events(2)).map((e) => e.seq)).toEqual([1, 2]);
    sse.close();
  });

  it('sends heartbeats', async () => {
    const a = await start({ heartbeatMs: 20 });
    const sse = await openSse(a.url);
    for (;;) {
      const f = await sse.next();
      if (f.comment === 'hb') break;
    }
    sse.close();
  });

  it('a bad Last-Event-ID → 400', async () => {
    const a = await start();
    const res = await fetch(`${a.url}api/events`, { headers: { ...auth, 'last-event-id': 'abc' } });
    expect(res.status).toBe(400);
  });

  it('drops a client that does not read, and unsubscribes it', async () => {
    const a = await start({ sseMaxBufferBytes: 256 * 1024 });
    const req = http.request({ host: '127.0.0.1', port: a.port, path: '/api/events', headers: auth });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      req.on('response', resolve).on('error', reject);
      req.end();
    });
    res.pause(); // never read
    req.on('error', () => {}); // the reset that follows is expected
    expect(feed.subs.size).toBe(1);
    const big = 'z'.repeat(64 * 1024);
    let emitted = 0;
    while (feed.subs.size > 0) {
      for (let i = 0; i < 16; i++) feed.emit(big);
      emitted += 16;
      if (emitted > 4096) throw new Error('the slow client was never dropped'); // 256 MiB
      await new Promise((r) => setImmediate(r));
    }
    expect(logs.join('\n')).toMatch(/events client dropped/);
    req.destroy();
  });

  it('close() ends open streams', async () => {
    const a = await start();
    const sse = await openSse(a.url);
    await a.close();
    api = undefined;
    await expect((async () => {
      for (;;) await sse.next();
    })()).rejects.toThrow();
  });
});

describe('HTTP API: static files', () => {
  let dir: string;
  let ui: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-http-'));
    ui = path.join(dir, 'ui');
    fs.mkdirSync(path.join(ui, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>Relay Lab</title>');
    fs.writeFileSync(path.join(ui, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(ui, 'assets', 'app.css'), 'body{}');
    fs.writeFileSync(path.join(ui, '.env'), 'HIDDEN=1');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"secret":"outside the UI folder"}');
    fs.symlinkSync(path.join(dir, 'package.json'), path.join(ui, 'link.json'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves files with their content types and a CSP on HTML', async () => {
    const a = await start({ staticDir: ui });
    const index = await fetch(a.url, { headers: auth });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toMatch(/Relay Lab/);
    const js = await fetch(`${a.url}assets/app.js`, { headers: auth });
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toBe('console.log(1)');
    expect((await fetch(`${a.url}assets/app.css`, { headers: auth })).headers.get('content-type')).toMatch(/^text\/css/);
    // a client-side route gets the app; a missing file does not
    expect(await (await fetch(`${a.url}queue/Q1`, { headers: auth })).text()).toMatch(/Relay Lab/);
    expect((await fetch(`${a.url}assets/missing.js`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${a.url}assets/app.js`)).status).toBe(401);
  });

  it('refuses path traversal, encoded or not, dotfiles and symlinks out of the folder', async () => {
    const a = await start({ staticDir: ui });
    for (const p of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json', '/%2E%2E%2Fpackage.json', '/..%2fpackage.json', '/..%5cpackage.json', '/%2e%2e%5cpackage.json', '/.env', '/%00', '/link.json', '/%zz']) {
      const res = await raw(a.port, { path: p, headers: auth });
      expect([400, 404], p).toContain(res.status);
      expect(res.body, p).not.toMatch(/secret|HIDDEN/);
    }
  });
});
