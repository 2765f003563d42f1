// electron/main.ts wired to a stand-in 'electron' module (fake-electron.ts): the Electron binary
// cannot run on these machines, so this drives main.ts the way Electron would (ready, IPC calls from
// a frame, navigation, new windows, permissions, quit) over a real engine on a temp data dir.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineStatus, Reply } from '../../../engine/api/contract';
import type { StoredEvent } from '../../../engine/trace/events';
import { APP_CSP } from '../../../electron/csp';
import { app, rec, type FakeWindow } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-main-'));
const globals = globalThis as Record<string, unknown>;
const listenersBefore = new Map<string, Set<unknown>>();
const argvBefore = [...process.argv];
let win: FakeWindow;
type Call = (event: unknown, method: unknown, input: unknown) => Promise<Reply<unknown>>;
const call = (frame: unknown, method: string, input: unknown = {}) => (rec.ipc.get('lab:call') as unknown as Call)({ senderFrame: frame }, method, input);

beforeAll(async () => {
  fs.writeFileSync(path.join(dataDir, 'relaylab.yaml'), 'hostname: mx.desktop.test\nlisteners:\n  - { name: mx, role: mx, address: 127.0.0.1, port: 0 }\ndns: { mode: zone, records: {} }\n');
  // Forge's Vite plugin defines these at build time; a packaged build has no dev server.
  globals.MAIN_WINDOW_VITE_DEV_SERVER_URL = undefined;
  globals.MAIN_WINDOW_VITE_NAME = 'main_window';
  process.argv.push(`--data=${dataDir}`);
  for (const ev of ['SIGINT', 'SIGTERM', 'uncaughtException', 'unhandledRejection']) listenersBefore.set(ev, new Set(process.listeners(ev as 'SIGINT')));
  await import('../../../electron/main');
  app.becomeReady();
  await vi.waitFor(() => expect(rec.ipc.has('lab:call')).toBe(true), { timeout: 10_000 });
  win = rec.windows[0] as FakeWindow;
});

afterAll(() => {
  process.argv.splice(0, process.argv.length, ...argvBefore);
  for (const [ev, before] of listenersBefore) {
    for (const l of process.listeners(ev as 'SIGINT')) if (!before.has(l)) process.off(ev as 'SIGINT', l as () => void);
  }
  delete globals.MAIN_WINDOW_VITE_DEV_SERVER_URL;
  delete globals.MAIN_WINDOW_VITE_NAME;
});

describe('electron/main.ts', () => {
  it('before ready: sandbox for every renderer, app:// privileged', () => {
    expect(rec.sandboxEnabled).toBe(true);
    expect(rec.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('one window, hardened, loading the built renderer from app://relaylab/ with the preload beside main', () => {
    expect(rec.windows).toHaveLength(1);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(path.basename(String(win.options.webPreferences?.preload))).toBe('preload.cjs');
    expect(win.webContents.url).toBe('app://relaylab/index.html');
  });

  it('lab:call from the window answers with the engine started on the data dir', async () => {
    const r = await call(win.webContents.mainFrame, 'engine.status');
    expect(r.ok).toBe(true);
    const status = (r as { value: EngineStatus }).value;
    expect(status.hostname).toBe('mx.desktop.test');
    expect(status.listeners[0]).toMatchObject({ name: 'mx', listening: true });
    expect(fs.existsSync(path.join(dataDir, 'relaylab.sqlite'))).toBe(true);
  });

  it('lab:call from any other frame is refused', async () => {
    const { mainFrame } = win.webContents;
    expect(await call({ processId: mainFrame.processId, routingId: 2, url: mainFrame.url }, 'engine.status')).toMatchObject({ ok: false, error: { code: 'API.FORBIDDEN' } });
    expect(await call(null, 'engine.status')).toMatchObject({ ok: false, error: { code: 'API.FORBIDDEN' } });
  });

  it('engine events reach the window on lab:event', async () => {
    const status = ((await call(win.webContents.mainFrame, 'engine.status')) as { value: EngineStatus }).value;
    const sock = net.connect(status.listeners[0]!.port, '127.0.0.1');
    await vi.waitFor(() => expect(win.webContents.sent.some(([ch, name, e]) => ch === 'lab:event' && name === 'trace' && (e as StoredEvent).t === 'session.open')).toBe(true), { timeout: 10_000 });
    sock.destroy();
  });

  it('the app menu lists the listeners', () => {
    const engineMenu = (rec.menus.at(-1) as { label?: string; submenu?: { label?: string }[] }[]).find((m) => m.label === 'Engine');
    expect(engineMenu?.submenu?.map((i) => i.label)).toContainEqual(expect.stringMatching(/^ {2}mx \(mx, starttls\) 127\.0\.0\.1:\d+: listening$/));
  });

  it('CSP header on app pages only; app:// answers with it too', async () => {
    const hook = rec.headersReceived as unknown as (d: unknown, cb: (r: unknown) => void) => void;
    const onApp = await new Promise((r) => hook({ url: 'app://relaylab/index.html', responseHeaders: { 'Content-Security-Policy': ['script-src *'] } }, r));
    expect(onApp).toEqual({ responseHeaders: { 'Content-Security-Policy': [APP_CSP] } });
    const elsewhere = await new Promise((r) => hook({ url: 'https://example.org/', responseHeaders: {} }, r));
    expect(elsewhere).toEqual({});
    const res = await rec.protocols.get('app')!(new Request('app://relaylab/no-such-file.js'));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe(APP_CSP);
  });

  it('navigation is prevented; new windows are denied; only checked http(s) links reach the system browser', () => {
    const nav = (url: string) => {
      const e = { prevented: false, preventDefault() { this.prevented = true; } };
      win.webContents.emit('will-navigate', e, url);
      return e.prevented;
    };
    expect(nav('https://example.org/docs')).toBe(true);
    expect(nav('file:///etc/passwd')).toBe(true);
    expect(nav('app://relaylab/other.html')).toBe(true);
    const open = win.webContents.openHandler!;
    expect(open({ url: 'https://www.rfc-editor.org/rfc/rfc5321' })).toEqual({ action: 'deny' });
    expect(open({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(open({ url: 'smb://host/share' })).toEqual({ action: 'deny' });
    expect(rec.opened).toEqual(['https://example.org/docs', 'https://www.rfc-editor.org/rfc/rfc5321']);
    const attach = { prevented: false, preventDefault() { this.prevented = true; } };
    win.webContents.emit('will-attach-webview', attach);
    expect(attach.prevented).toBe(true);
  });

  it('permissions: clipboard writes for the app only, nothing else', () => {
    const ask = (permission: string, url: string) => new Promise((r) => (rec.permissionRequest as unknown as (...a: unknown[]) => void)(win.webContents, permission, r, { requestingUrl: url }));
    return Promise.all([
      expect(ask('clipboard-sanitized-write', 'app://relaylab/index.html')).resolves.toBe(true),
      expect(ask('clipboard-sanitized-write', 'https://evil.example/')).resolves.toBe(false),
      expect(ask('media', 'app://relaylab/index.html')).resolves.toBe(false),
      expect(ask('notifications', 'app://relaylab/index.html')).resolves.toBe(false),
    ]).then(() => {
      const check = rec.permissionCheck as unknown as (...a: unknown[]) => boolean;
      expect(check(win.webContents, 'clipboard-sanitized-write', 'app://relaylab')).toBe(true);
      expect(check(win.webContents, 'geolocation', 'app://relaylab')).toBe(false);
    });
  });

  it('quitting holds the quit until the engine has stopped, then quits once', async () => {
    const quitsBefore = rec.quitCalls;
    const e = { prevented: false, preventDefault() { this.prevented = true; } };
    app.emit('before-quit', e);
    expect(e.prevented).toBe(true);
    await vi.waitFor(() => expect(rec.quitCalls).toBe(quitsBefore + 1), { timeout: 15_000 });
    expect(rec.ipc.has('lab:call')).toBe(false);
    // The database is closed: its WAL was checkpointed away on close.
    expect(fs.existsSync(path.join(dataDir, 'relaylab.sqlite-wal'))).toBe(false);
  });
});
