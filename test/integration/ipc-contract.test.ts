// One contract suite, two transports: the HTTP adapter (a real server on loopback, driven by fetch)
// and the IPC handler of the desktop app (electron/ipc.ts), both over one real engine (SQLite,
// listeners on 127.0.0.1, a message sent with nodemailer). Every case runs against both and must
// give the same Reply.
//
// The Electron binary cannot run on these machines (its download is not possible here), so the
// IPC side is the lab:call handler function called as Electron calls it: (event, method, input)
// with a stand-in IpcMainInvokeEvent whose senderFrame is, or is not, the app window's main frame,
// the arguments and the reply passed through structuredClone as Electron's IPC does, and the sender
// check done by the same createAppFrameCheck that main.ts uses.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi, Reply, SessionSummary } from '../../engine/api/contract';
import { call } from '../../engine/api/dispatch';
import { startHttpApi, type HttpApi } from '../../engine/api/http';
import type { StoredEvent } from '../../engine/trace/events';
import { APP_INDEX_URL, createAppFrameCheck, type FrameLike } from '../../electron/app-frame';
import { createLabCallHandler, EVENT_CHANNEL, startEventPump, type LabCallHandler } from '../../electron/ipc';
import { startTestEngine, waitFor, type TestEngine } from '../helpers/engine';

const TOKEN = 'ipc-contract-token-0123456789';

let te: TestEngine;
let http: HttpApi;
/** Calls that reached the implementation, by method: a refused call must never get there. */
const reached: string[] = [];
let impl: EngineApi;

/** The app window's main frame as Electron's WebFrameMain would show it. */
const appFrame: FrameLike = { url: APP_INDEX_URL, processId: 7, routingId: 1 };
let handler: LabCallHandler<FrameLike>;

beforeAll(async () => {
  te = await startTestEngine();
  // The real implementation, with a record of what got through to it.
  impl = new Proxy(te.engine.api, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        reached.push(String(prop));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  http = await startHttpApi({ address: '127.0.0.1', port: 0, token: TOKEN, impl, events: te.engine.events });
  handler = createLabCallHandler<FrameLike>({ impl, isAppFrame: createAppFrameCheck({}, () => appFrame) });

  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: te.port('mx'), secure: false, ignoreTLS: true })
    .sendMail({ from: 'bob@example.org', to: 'carol@relaylab.test', subject: 'contract', text: 'one message for the session list' });
  expect(info.response).toMatch(/^250 /);
  // The session is closed (QUIT) and recorded before the cases look at it.
  await waitFor(async () => (await te.engine.api['sessions.list']({ limit: 10 })).some((s) => s.outcome === 'accepted'), 10_000, 'the accepted session');
});

afterAll(async () => {
  await http?.close();
  await te?.stop();
});

// ------------------------------------------------------------------------------- transports
interface Transport {
  name: string;
  call(method: string, input?: unknown): Promise<Reply<unknown>>;
}

const httpTransport: Transport = {
  name: 'HTTP adapter (POST /api/<method>)',
  async call(method, input) {
    const res = await fetch(`${http.url}api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(input === undefined ? {} : { body: JSON.stringify(input) }),
    });
    return (await res.json()) as Reply<unknown>;
  },
};

/** ipcRenderer.invoke('lab:call', method, input) as the main process sees it. */
function invokeAs(frame: FrameLike | null, method: string, input?: unknown): Promise<Reply<unknown>> {
  const event = { senderFrame: frame, processId: frame?.processId ?? 0, frameId: frame?.routingId ?? 0 };
  return handler(event, structuredClone(method), structuredClone(input)).then((r) => structuredClone(r));
}

const ipcTransport: Transport = {
  name: 'IPC handler (lab:call)',
  call: (method, input) => invokeAs(appFrame, method, input),
};

/** The reference answer: the same call in process, as JSON (what both transports promise to carry). */
async function reference(method: Parameters<typeof call>[1], input: object): Promise<unknown> {
  return JSON.parse(JSON.stringify(await call(te.engine.api, method, input as never)));
}

// ------------------------------------------------------------------------------- the suite
describe.each([httpTransport, ipcTransport])('API contract over $name', (t) => {
  it('engine.status: the running listeners with their real ports', async () => {
    const r = await t.call('engine.status', {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const status = r.value as Awaited<ReturnType<EngineApi['engine.status']>>;
    expect(status.hostname).toBe('mx.relaylab.test');
    expect(status.listeners.map((l) => [l.name, l.port, l.listening])).toEqual([
      ['mx', te.port('mx'), true],
      ['submission', te.port('submission'), true],
      ['submissions', te.port('submissions'), true],
    ]);
    expect(status.lastSeq).toBeGreaterThan(0);
  });

  it('engine.status without an input object: the schema decides, {} is implied', async () => {
    const r = await t.call('engine.status');
    expect(r.ok).toBe(true);
  });

  it('sessions.list after a message: the accepted session, exactly as the engine has it', async () => {
    const r = await t.call('sessions.list', {});
    expect(r).toEqual(await reference('sessions.list', {}));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const accepted = (r.value as SessionSummary[]).find((s) => s.outcome === 'accepted');
    expect(accepted).toMatchObject({ listener: 'mx', role: 'mx', messages: 1, peer: { ip: '127.0.0.1' } });
    expect(accepted?.helo).toEqual(expect.any(String));
    // JSON-safe: the value is the same after a JSON round trip (no Date, Buffer, Map, undefined holes).
    expect(JSON.parse(JSON.stringify(r.value))).toStrictEqual(r.value);
  });

  it('a LabError keeps its code across the transport (SESSION.NOT_FOUND)', async () => {
    const r = await t.call('sessions.get', { sid: 'NOSUCHSESSION' });
    expect(r).toEqual({ ok: false, error: { code: 'SESSION.NOT_FOUND', message: expect.any(String) } });
  });

  it('unknown method → API.UNKNOWN_METHOD, nothing runs', async () => {
    const before = reached.length;
    for (const method of ['nope.nothing', '__proto__', 'constructor']) {
      const r = await t.call(method, {});
      expect(r).toEqual({ ok: false, error: { code: 'API.UNKNOWN_METHOD', message: expect.stringContaining('unknown method') } });
    }
    expect(reached.length).toBe(before);
  });

  it('bad input → API.BAD_INPUT naming the field, nothing runs', async () => {
    const before = reached.length;
    const wrongType = await t.call('sessions.list', { limit: 'ten' });
    expect(wrongType).toEqual({ ok: false, error: { code: 'API.BAD_INPUT', message: expect.stringContaining('limit') } });
    const missing = await t.call('sessions.get', {});
    expect(missing).toEqual({ ok: false, error: { code: 'API.BAD_INPUT', message: expect.stringContaining('sid') } });
    const extra = await t.call('engine.status', { verbose: true });
    expect(extra).toEqual({ ok: false, error: { code: 'API.BAD_INPUT', message: expect.stringContaining('verbose') } });
    const notObject = await t.call('queue.list', [1, 2]);
    expect(notObject.ok).toBe(false);
    if (!notObject.ok) expect(notObject.error.code).toBe('API.BAD_INPUT');
    expect(reached.length).toBe(before);
  });
});

describe('both transports give the same replies', () => {
  it('for every case above that is not time-dependent', async () => {
    // the queue must not change between the two calls: let delivery (batched, queue.delivery_batch_delay) finish first
    await waitFor(() => { const c = te.engine.queue.counts(); return c.incoming + c.active === 0; }, 10_000, 'a settled queue');
    const cases: [string, unknown][] = [
      ['sessions.list', {}],
      ['messages.list', { q: 'contract' }],
      ['queue.list', {}],
      ['config.validate', { yaml: 'listeners: 3\n' }],
      ['sessions.get', { sid: 'NOSUCHSESSION' }],
      ['nope.nothing', {}],
      ['sessions.list', { limit: 0 }],
    ];
    for (const [method, input] of cases) {
      expect(await ipcTransport.call(method, input), method).toEqual(await httpTransport.call(method, input));
    }
  });
});

describe('IPC only: the sender frame is checked before anything runs (Electron checklist item 17)', () => {
  const refused = { ok: false, error: { code: 'API.FORBIDDEN', message: expect.stringContaining('forbidden') } };

  it.each([
    ['no frame (navigated away or destroyed)', null],
    ['an iframe inside the app page', { url: APP_INDEX_URL, processId: 7, routingId: 2 }],
    ['another renderer process', { url: APP_INDEX_URL, processId: 8, routingId: 1 }],
    ['the app frame after navigating to another site', { url: 'https://evil.example/', processId: 7, routingId: 1 }],
    ['the app frame showing a file:// page', { url: 'file:///etc/passwd', processId: 7, routingId: 1 }],
  ] as const)('refused: %s', async (_what, frame) => {
    const before = reached.length;
    expect(await invokeAs(frame, 'engine.status', {})).toEqual(refused);
    expect(await invokeAs(frame, 'queue.delete', { id: 'ANYTHING' })).toEqual(refused);
    expect(reached.length).toBe(before);
  });

  it('the same call from the app frame is answered', async () => {
    expect((await invokeAs(appFrame, 'engine.status', {})).ok).toBe(true);
  });
});

describe('IPC only: lab:event carries the engine trace to the window', () => {
  it('every event of a new message arrives as (trace, StoredEvent), in seq order, and stops after unsubscribe', async () => {
    const sent: unknown[][] = [];
    const window = { destroyed: false, isDestroyed() { return this.destroyed; }, send: (...args: unknown[]) => void sent.push(structuredClone(args)) };
    const stop = startEventPump(te.engine.events, () => window);
    try {
      await nodemailer
        .createTransport({ host: '127.0.0.1', port: te.port('mx'), secure: false, ignoreTLS: true })
        .sendMail({ from: 'dave@example.org', to: 'erin@relaylab.test', subject: 'events', text: 'watch me' });
      await waitFor(() => sent.some(([, , e]) => (e as StoredEvent).t === 'session.close'), 10_000, 'session.close pushed');
    } finally {
      stop();
    }
    expect(sent.every(([channel, name]) => channel === EVENT_CHANNEL && name === 'trace')).toBe(true);
    const events = sent.map(([, , e]) => e as StoredEvent);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(events.some((e) => e.t === 'smtp' && e.dir === 'C' && /^MAIL FROM:<dave@example\.org>/i.test(e.line))).toBe(true);
    // And they are the events the store holds (what SSE replays to the browser); the store
    // writes in group commits, so it may be a moment behind the live feed.
    const stored = await waitFor(() => {
      const page = te.engine.events.since((seqs[0] as number) - 1, seqs.length);
      return page.length === seqs.length && page;
    }, 10_000, 'the pushed events in the store');
    expect(stored).toEqual(events);

    const count = sent.length;
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: te.port('mx'), secure: false, ignoreTLS: true })
      .sendMail({ from: 'dave@example.org', to: 'erin@relaylab.test', subject: 'after', text: 'nobody listens' });
    expect(sent.length).toBe(count);
  });
});
