// The quit guard: before-quit is held until the engine has stopped, once, then quit goes through.
import { describe, expect, it, vi } from 'vitest';
import { createQuitGuard } from '../../../electron/shutdown';

const quitEvent = () => ({ prevented: 0, preventDefault() { this.prevented++; } });

describe('createQuitGuard', () => {
  it('holds the quit until stop() resolves, stops once, then lets the next quit through', async () => {
    let finish: () => void = () => {};
    const stop = vi.fn(() => new Promise<void>((r) => (finish = r)));
    const quit = vi.fn();
    const g = createQuitGuard({ stop, quit });
    const first = quitEvent();
    g.onBeforeQuit(first);
    expect(first.prevented).toBe(1);
    expect(g.state).toBe('stopping');
    const again = quitEvent(); // Cmd+Q twice, or a signal during the stop
    g.onBeforeQuit(again);
    expect(again.prevented).toBe(1);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(quit).not.toHaveBeenCalled();
    finish();
    await g.stopped;
    expect(g.state).toBe('stopped');
    expect(quit).toHaveBeenCalledTimes(1);
    const last = quitEvent(); // the quit() above emits before-quit again
    g.onBeforeQuit(last);
    expect(last.prevented).toBe(0);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('a failing stop is logged and the app still quits', async () => {
    const lines: string[] = [];
    const quit = vi.fn();
    const g = createQuitGuard({ stop: () => Promise.reject(new Error('database is locked')), quit, log: (l) => lines.push(l) });
    g.onBeforeQuit(quitEvent());
    await g.stopped;
    expect(quit).toHaveBeenCalledTimes(1);
    expect(lines).toContain('relaylab: stopping the engine failed: database is locked');
  });

  it('a stop that hangs is given up after the timeout', async () => {
    const lines: string[] = [];
    const quit = vi.fn();
    const g = createQuitGuard({ stop: () => new Promise<void>(() => {}), quit, log: (l) => lines.push(l), timeoutMs: 30 });
    g.onBeforeQuit(quitEvent());
    await g.stopped;
    expect(quit).toHaveBeenCalledTimes(1);
    expect(lines).toContain('relaylab: the engine did not stop within 30 ms; quitting anyway');
  });
});
