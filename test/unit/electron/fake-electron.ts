// A stand-in for the 'electron' module (the binary cannot run on these machines): just enough of
// app, BrowserWindow, ipcMain, protocol, net, session, Menu, dialog and shell for electron/main.ts,
// recording what main.ts registers so a test can drive it the way Electron would.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

type Fn = (...args: never[]) => unknown;

export const rec = {
  ipc: new Map<string, Fn>(),
  protocols: new Map<string, (req: Request) => Promise<Response>>(),
  privileged: [] as unknown[],
  windows: [] as FakeWindow[],
  menus: [] as unknown[],
  dialogs: [] as unknown[],
  opened: [] as string[],
  quitCalls: 0,
  exitCodes: [] as number[],
  sandboxEnabled: false,
  permissionRequest: null as null | Fn,
  permissionCheck: null as null | Fn,
  headersReceived: null as null | Fn,
  readyResolve: () => {},
};

class FakeApp extends EventEmitter {
  private ready = false;
  private readyPromise = new Promise<void>((r) => (rec.readyResolve = r));
  enableSandbox() { rec.sandboxEnabled = true; }
  requestSingleInstanceLock() { return true; }
  whenReady() { return this.readyPromise; }
  isReady() { return this.ready; }
  getPath(name: string) { return `/nonexistent/${name}`; }
  /** Like Electron: quit() emits before-quit; a listener may preventDefault. */
  quit() {
    rec.quitCalls++;
    const e = { prevented: false, preventDefault() { this.prevented = true; } };
    this.emit('before-quit', e);
  }
  exit(code: number) { rec.exitCodes.push(code); }
  becomeReady() { this.ready = true; rec.readyResolve(); }
}
export const app = new FakeApp();

let nextProcess = 10;
export class FakeWebContents extends EventEmitter {
  url = '';
  destroyed = false;
  sent: unknown[][] = [];
  openHandler: null | ((d: { url: string }) => { action: string }) = null;
  readonly mainFrame: { processId: number; routingId: number; readonly url: string };
  constructor() {
    super();
    const self = this;
    this.mainFrame = { processId: nextProcess++, routingId: 1, get url() { return self.url; } };
  }
  getURL() { return this.url; }
  isDestroyed() { return this.destroyed; }
  send(...args: unknown[]) { this.sent.push(args); }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) { this.openHandler = h; }
}

export class FakeWindow extends EventEmitter {
  webContents = new FakeWebContents();
  constructor(public options: { webPreferences?: Record<string, unknown> }) {
    super();
    rec.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url: string) { this.webContents.url = url; }
  isDestroyed() { return false; }
  isMinimized() { return false; }
  show() {}
  focus() {}
  restore() {}
}
export const BrowserWindow = FakeWindow;

export const ipcMain = {
  handle: (channel: string, fn: Fn) => void rec.ipc.set(channel, fn),
  removeHandler: (channel: string) => void rec.ipc.delete(channel),
};
export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) => void rec.privileged.push(...schemes),
  handle: (scheme: string, fn: (req: Request) => Promise<Response>) => void rec.protocols.set(scheme, fn),
};
export const net = {
  // Electron's net.fetch reads file: URLs (inside asar too); Node's fetch does not.
  fetch: async (url: string) => new Response(fs.readFileSync(fileURLToPath(url))),
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler: (fn: Fn) => void (rec.permissionRequest = fn),
    setPermissionCheckHandler: (fn: Fn) => void (rec.permissionCheck = fn),
    webRequest: { onHeadersReceived: (fn: Fn) => void (rec.headersReceived = fn) },
  },
};
export const Menu = {
  buildFromTemplate: (t: unknown) => t,
  setApplicationMenu: (m: unknown) => void rec.menus.push(m),
};
export const dialog = {
  showErrorBox: (title: string, body: string) => void rec.dialogs.push({ title, body }),
  showMessageBox: async (_w: unknown, o: unknown) => (rec.dialogs.push(o), { response: 0 }),
};
export const shell = {
  openExternal: async (url: string) => void rec.opened.push(url),
};
