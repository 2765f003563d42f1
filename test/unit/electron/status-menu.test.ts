// The Engine menu: one line per listener from engine.status.
import { describe, expect, it, vi } from 'vitest';
import type { EngineStatus } from '../../../engine/api/contract';
import { buildMenuTemplate, listenerLine, statusLines } from '../../../electron/status-menu';

const status: EngineStatus = {
  hostname: 'mx.test',
  version: '0.1.0',
  uptimeMs: 1,
  lastSeq: 0,
  queue: { incoming: 0, active: 0, deferred: 0, hold: 0, corrupt: 0, sent: 0, bounced: 0 },
  listeners: [
    { name: 'mx', role: 'mx', address: '127.0.0.1', port: 2525, tls: 'starttls', listening: true },
    { name: 'submissions', role: 'submission', address: '::1', port: 2465, tls: 'implicit', listening: false, error: 'port 2465 in use' },
    { name: 'submission', role: 'submission', address: '127.0.0.1', port: 2587, tls: 'starttls', listening: false },
  ],
};

describe('status lines', () => {
  it('say where each listener is and whether it listens (and why not)', () => {
    expect(statusLines(status)).toEqual([
      'mx (mx, starttls) 127.0.0.1:2525: listening',
      'submissions (submission, implicit) [::1]:2465: not listening (port 2465 in use)',
      'submission (submission, starttls) 127.0.0.1:2587: not listening',
    ]);
    expect(listenerLine(status.listeners[0]!)).toBe('mx (mx, starttls) 127.0.0.1:2525: listening');
  });

  it('say so when the status is not available', () => {
    expect(statusLines(null, 'database is closed')).toEqual(['Engine status not available: database is closed']);
    expect(statusLines({ ...status, listeners: [] })).toEqual(['No listeners configured']);
  });
});

describe('buildMenuTemplate', () => {
  it('an Engine menu with the lines (disabled), Show Window and Quit; edit and window menus', () => {
    const showWindow = vi.fn();
    const t = buildMenuTemplate(['a: listening'], 'linux', { showWindow });
    expect(t.map((m) => m.label ?? m.role)).toEqual(['Engine', 'editMenu', 'windowMenu']);
    const items = t[0]!.submenu as { label?: string; role?: string; enabled?: boolean; click?: () => void; type?: string }[];
    expect(items.map((i) => i.label ?? i.role ?? i.type)).toEqual(['Listeners', '  a: listening', 'separator', 'Show Window', 'separator', 'quit']);
    expect(items[1]!.enabled).toBe(false);
    items[3]!.click!();
    expect(showWindow).toHaveBeenCalledTimes(1);
  });

  it('macOS: the app menu first (it has Quit)', () => {
    const t = buildMenuTemplate([], 'darwin', { showWindow: () => {} });
    expect(t.map((m) => m.label ?? m.role)).toEqual(['appMenu', 'Engine', 'editMenu', 'windowMenu']);
    expect((t[1]!.submenu as { role?: string }[]).some((i) => i.role === 'quit')).toBe(false);
  });
});
