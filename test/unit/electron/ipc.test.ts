// electron/ipc.ts without Electron: the lab:call handler as a plain function, the event pump, and
// registration on a stand-in ipcMain. The preload's channel names are checked against ipc.ts here
// too (the preload may import only 'electron', so it cannot import the constants).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { EngineApi } from '../../../engine/api/contract';
import { LabError } from '../../../engine/api/errors';
import type { StoredEvent } from '../../../engine/trace/events';
import { CALL_CHANNEL, createLabCallHandler, EVENT_CHANNEL, FORBIDDEN_REPLY, registerLabIpc, startEventPump } from '../../../electron/ipc';

type Frame = { id: string };
const app: Frame = { id: 'app' };
const other: Frame = { id: 'other' };

function fakeImpl(): EngineApi & { calls: string[] } {
  const calls: string[] = [];
  const impl = {
    calls,
    'engine.status': vi.fn(async () => {
      calls.push('engine.status');
      return { hostname: 'mx.test' };
    }),
    'sessions.get': vi.fn(async ({ sid }: { sid: string }) => {
      calls.push('sessions.get');
      throw new LabError('SESSION.NOT_FOUND', `no session ${sid}`);
    }),
    'queue.list': vi.fn(async () => {
      calls.push('queue.list');
      throw new Error('disk on fire at /secret/path');
    }),
  };
  return impl as unknown as EngineApi & { calls: string[] }; // a partial fake on purpose
}

describe('createLabCallHandler', () => {
  it('dispatches calls from the app frame', async () => {
    const impl = fakeImpl();
    const h = createLabCallHandler<Frame>({ impl, isAppFrame: (f) => f === app });
    expect(await h({ senderFrame: app }, 'engine.status', {})).toEqual({ ok: true, value: { hostname: 'mx.test' } });
    expect(await h({ senderFrame: app }, 'sessions.get', { sid: 'S1' })).toEqual({ ok: false, error: { code: 'SESSION.NOT_FOUND', message: 'no session S1' } });
  });

  it('refuses other frames, a null frame and a throwing check, without running anything', async () => {
    const impl = fakeImpl();
    const lines: string[] = [];
    const h = createLabCallHandler<Frame>({ impl, isAppFrame: (f) => f === app, log: (l) => lines.push(l) });
    expect(await h({ senderFrame: other }, 'engine.status', {})).toEqual(FORBIDDEN_REPLY);
    expect(await h({ senderFrame: null }, 'engine.status', {})).toEqual(FORBIDDEN_REPLY);
    const throwing = createLabCallHandler<Frame>({ impl, isAppFrame: () => { throw new Error('frame disposed'); } });
    expect(await throwing({ senderFrame: app }, 'engine.status', {})).toEqual(FORBIDDEN_REPLY);
    expect(impl.calls).toEqual([]);
    expect(lines).toEqual(['ipc: refused "engine.status" from a frame that is not the app', 'ipc: refused "engine.status" from a frame that is not the app']);
    expect(FORBIDDEN_REPLY.ok || FORBIDDEN_REPLY.error.code).toBe('API.FORBIDDEN');
  });

  it('never throws: odd methods and inputs become error replies', async () => {
    const impl = fakeImpl();
    const errors: unknown[] = [];
    const h = createLabCallHandler<Frame>({ impl, isAppFrame: () => true, onError: (_m, e) => errors.push(e) });
    expect(await h({ senderFrame: app }, 42, {})).toMatchObject({ ok: false, error: { code: 'API.UNKNOWN_METHOD' } });
    expect(await h({ senderFrame: app }, { toString: () => 'engine.status' }, {})).toMatchObject({ ok: false, error: { code: 'API.UNKNOWN_METHOD' } });
    expect(await h({ senderFrame: app }, 'engine.status', 'not an object')).toMatchObject({ ok: false, error: { code: 'API.BAD_INPUT' } });
    const internal = await h({ senderFrame: app }, 'queue.list', {});
    expect(internal).toEqual({ ok: false, error: { code: 'API.INTERNAL', message: 'queue.list failed: internal error (see the engine log)' } });
    expect(JSON.stringify(internal)).not.toContain('/secret/path');
    expect(errors).toHaveLength(1);
    expect(await h({ senderFrame: app }, 'messages.list', {})).toMatchObject({ ok: false, error: { code: 'API.NOT_IMPLEMENTED' } });
  });
});

describe('startEventPump', () => {
  const ev = (seq: number): StoredEvent => ({ t: 'smtp', sid: 'S1', at: 1, dir: 'C', line: `L${seq}`, seq });

  function feed() {
    const subs = new Set<(e: StoredEvent) => void>();
    return { subs, subscribe: (fn: (e: StoredEvent) => void) => (subs.add(fn), () => void subs.delete(fn)), emit: (e: StoredEvent) => subs.forEach((f) => f(e)) };
  }

  it('sends (trace, event) on lab:event to the window while there is one, and unsubscribes', () => {
    const f = feed();
    const sent: unknown[][] = [];
    let target: { destroyed: boolean; isDestroyed(): boolean; send(...a: unknown[]): void } | null = null;
    const stop = startEventPump(f, () => target);
    f.emit(ev(1)); // no window yet: dropped
    target = { destroyed: false, isDestroyed() { return this.destroyed; }, send: (...a) => void sent.push(a) };
    f.emit(ev(2));
    target.destroyed = true;
    f.emit(ev(3)); // destroyed: dropped
    target.destroyed = false;
    f.emit(ev(4));
    stop();
    expect(f.subs.size).toBe(0);
    f.emit(ev(5));
    expect(sent).toEqual([[EVENT_CHANNEL, 'trace', ev(2)], [EVENT_CHANNEL, 'trace', ev(4)]]);
  });

  it('a send that throws is logged and does not reach the engine', () => {
    const f = feed();
    const lines: string[] = [];
    startEventPump(f, () => ({ isDestroyed: () => false, send: () => { throw new Error('Render frame was disposed'); } }), (l) => lines.push(l));
    expect(() => f.emit(ev(1))).not.toThrow();
    expect(lines).toEqual(['ipc: could not push a trace event: Render frame was disposed']);
  });
});

describe('registerLabIpc', () => {
  it('registers exactly lab:call, pumps events, and removes both on dispose', async () => {
    const handlers = new Map<string, (...a: never[]) => unknown>();
    const ipcMain = {
      handle: vi.fn((ch: string, fn: (...a: never[]) => unknown) => void handlers.set(ch, fn)),
      removeHandler: vi.fn((ch: string) => void handlers.delete(ch)),
    };
    const subs = new Set<(e: StoredEvent) => void>();
    const sent: unknown[][] = [];
    const dispose = registerLabIpc(ipcMain as never, {
      impl: fakeImpl(),
      isAppFrame: (f) => f !== null,
      events: { subscribe: (fn) => (subs.add(fn), () => void subs.delete(fn)) },
      target: () => ({ isDestroyed: () => false, send: (...a: unknown[]) => void sent.push(a) }),
    });
    expect([...handlers.keys()]).toEqual([CALL_CHANNEL]);
    const handler = handlers.get(CALL_CHANNEL) as unknown as (e: unknown, m: unknown, i: unknown) => Promise<unknown>;
    expect(await handler({ senderFrame: {} }, 'engine.status', {})).toEqual({ ok: true, value: { hostname: 'mx.test' } });
    expect(await handler({ senderFrame: null }, 'engine.status', {})).toEqual(FORBIDDEN_REPLY);
    expect(subs.size).toBe(1);
    subs.forEach((fn) => fn({ t: 'smtp', sid: 'S', at: 0, dir: 'S', line: '220 hi', seq: 1 }));
    expect(sent).toHaveLength(1);
    dispose();
    expect(handlers.size).toBe(0);
    expect(subs.size).toBe(0);
  });
});

describe('preload.ts', () => {
  const src = fs.readFileSync(path.join(import.meta.dirname, '../../../electron/preload.ts'), 'utf8');

  it('uses the channels of ipc.ts', () => {
    expect(CALL_CHANNEL).toBe('lab:call');
    expect(EVENT_CHANNEL).toBe('lab:event');
    expect(src).toContain(`ipcRenderer.invoke('${CALL_CHANNEL}', method, input)`);
    expect(src).toContain(`ipcRenderer.on('${EVENT_CHANNEL}', listener)`);
    expect(src).toContain(`ipcRenderer.removeListener('${EVENT_CHANNEL}', listener)`);
  });

  it("imports only 'electron' at run time (type imports are erased), and exposes one bridge", () => {
    const runtimeImports = [...src.matchAll(/^import (?!type )[^;]*from '([^']+)';/gm)].map((m) => m[1]);
    expect(runtimeImports).toEqual(['electron']);
    expect(src.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(src).not.toMatch(/ipcRenderer\.send\b|ipcRenderer\.sendSync\b|exposeInMainWorld\('[^']+', ipcRenderer/);
  });
});
