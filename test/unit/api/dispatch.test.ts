// dispatch(): allowlist, input validation, error mapping. The implementation here is an in-memory
// fake; the real SQLite-backed implementation (engine/api/impl.ts) is tested on its own.
import { describe, expect, it, vi } from 'vitest';
import type { EngineApi, QueueItem } from '../../../engine/api/contract';
import { call, dispatch } from '../../../engine/api/dispatch';
import { LabError } from '../../../engine/api/errors';
import { inputs } from '../../../engine/api/inputs';

const item: QueueItem = { id: 'A1B2', state: 'hold', sender: 'a@x.test', recipients: 1, pending: 1, size: 10, arrivedAt: 1, attempts: 0 };

/** Only the methods a test needs; dispatch must cope with the rest being absent. */
function fakeApi(methods: Partial<EngineApi>): EngineApi {
  return methods as EngineApi; // a partial fake on purpose: missing methods → API.NOT_IMPLEMENTED
}

describe('dispatch', () => {
  it('calls the method with the validated input, defaults filled', async () => {
    const list = vi.fn(async () => []);
    const r = await dispatch(fakeApi({ 'sessions.list': list }), 'sessions.list', { q: 'bob' });
    expect(r).toEqual({ ok: true, value: [] });
    expect(list).toHaveBeenCalledWith({ q: 'bob', limit: 100 });
  });

  it('keeps `this` for class-based implementations', async () => {
    class Impl {
      items = [item];
      async 'queue.list'() {
        return this.items;
      }
    }
    const r = await dispatch(new Impl() as unknown as EngineApi, 'queue.list', {});
    expect(r).toEqual({ ok: true, value: [item] });
  });

  it('treats a missing input as {}', async () => {
    const r = await dispatch(fakeApi({ 'config.get': async () => ({ config: {}, path: null, source: null }) }), 'config.get', undefined);
    expect(r.ok).toBe(true);
  });

  it.each(['nope', '', 'sessions', 'sessions.list.x', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'unknown method %j → API.UNKNOWN_METHOD',
    async (m) => {
      const impl = fakeApi({ 'sessions.list': async () => [] });
      const r = await dispatch(impl, m, {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('API.UNKNOWN_METHOD');
    },
  );

  it('a contract method the implementation lacks → API.NOT_IMPLEMENTED', async () => {
    const r = await dispatch(fakeApi({}), 'queue.flush', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'API.NOT_IMPLEMENTED' } });
  });

  it.each([
    ['sessions.list', { limit: 5000 }, 'limit'],
    ['sessions.list', { limit: 0 }, 'limit'],
    ['sessions.list', { limit: 1.5 }, 'limit'],
    ['sessions.list', { before: -1 }, 'before'],
    ['sessions.list', { q: 'a\u0000b' }, 'q'],
    ['sessions.list', { foo: 1 }, 'foo'],
    ['sessions.get', {}, 'sid'],
    ['sessions.get', { sid: '../etc' }, 'sid'],
    ['messages.get', { id: 'a/b' }, 'id'],
    ['messages.list', { state: 'nowhere' }, 'state'],
    ['queue.hold', { id: 'x'.repeat(65) }, 'id'],
    ['queue.flush', { id: 42 }, 'id'],
    ['config.validate', { yaml: 7 }, 'yaml'],
    ['config.get', { extra: true }, 'extra'],
    ['engine.status', 'hello', 'input'],
    ['engine.status', null, 'input'],
    ['engine.status', [], 'input'],
  ] as const)('%s(%j) → API.BAD_INPUT naming %s', async (method, input, field) => {
    const impl = vi.fn(async () => {
      throw new Error('must not be called');
    });
    const r = await dispatch(fakeApi({ [method]: impl }), method, input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('API.BAD_INPUT');
    expect(r.error.message).toContain(method);
    expect(r.error.message).toContain(field);
    expect(impl).not.toHaveBeenCalled();
  });

  it('refuses an own "__proto__" key in the input (JSON.parse makes one)', async () => {
    const r = await dispatch(fakeApi({ 'engine.status': async () => ({}) as never }), 'engine.status', JSON.parse('{"__proto__":{"x":1}}'));
    expect(r).toMatchObject({ ok: false, error: { code: 'API.BAD_INPUT' } });
  });

  it('a LabError keeps its code and message', async () => {
    const r = await dispatch(
      fakeApi({
        'queue.hold': async () => {
          throw new LabError('QUEUE.NOT_FOUND', 'no message A1B2 in the queue');
        },
      }),
      'queue.hold',
      { id: 'A1B2' },
    );
    expect(r).toEqual({ ok: false, error: { code: 'QUEUE.NOT_FOUND', message: 'no message A1B2 in the queue' } });
  });

  it('anything else → API.INTERNAL with a generic message; the detail goes to onError only', async () => {
    const onError = vi.fn();
    const r = await dispatch(
      fakeApi({
        'queue.delete': async () => {
          throw new Error('SQLITE_BUSY at /home/me/secret/path.db');
        },
      }),
      'queue.delete',
      { id: 'A1B2' },
      { onError },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('API.INTERNAL');
    expect(r.error.message).not.toMatch(/SQLITE|secret|at \//);
    expect(onError).toHaveBeenCalledWith('queue.delete', expect.any(Error));
  });

  it('never throws: not for a thrown non-Error, a synchronous throw, nor a throwing onError', async () => {
    const impl = fakeApi({
      'queue.release': (() => {
        throw 'a string'; // synchronous, not even an Error
      }) as unknown as EngineApi['queue.release'],
    });
    const r = await dispatch(impl, 'queue.release', { id: 'A1' }, {
      onError: () => {
        throw new Error('logger down');
      },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'API.INTERNAL' } });
    await expect(dispatch(null as unknown as EngineApi, 'queue.list', {})).resolves.toMatchObject({ ok: false });
    await expect(dispatch(fakeApi({}), 42 as unknown as string, {})).resolves.toMatchObject({ ok: false, error: { code: 'API.UNKNOWN_METHOD' } });
  });

  it('a ZodError thrown by the implementation itself is INTERNAL, not BAD_INPUT', async () => {
    const impl = fakeApi({
      'config.get': async () => {
        inputs['sessions.get'].parse({}); // throws a ZodError, as an impl bug would
        return { config: {}, path: null, source: null };
      },
    });
    expect(await dispatch(impl, 'config.get', {})).toMatchObject({ ok: false, error: { code: 'API.INTERNAL' } });
  });

  it('call() is the typed form', async () => {
    const r = await call(fakeApi({ 'queue.release': async ({ id }) => ({ ...item, id, state: 'incoming' }) }), 'queue.release', { id: 'Z9' });
    expect(r).toEqual({ ok: true, value: { ...item, id: 'Z9', state: 'incoming' } });
  });
});

describe('LabError', () => {
  it('serialises to { code, message }', () => {
    const e = new LabError('SESSION.NOT_FOUND', 'no session S1');
    expect(e).toBeInstanceOf(Error);
    expect(JSON.parse(JSON.stringify(e))).toEqual({ code: 'SESSION.NOT_FOUND', message: 'no session S1' });
  });
});
