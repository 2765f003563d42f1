// The desktop app's main process: one instance; the engine runs here (data in userData), the
// renderer runs sandboxed in one window and reaches the engine only through lab:call/lab:event.
// Hardening follows Electron's checklist: sandbox + contextIsolation, no Node in the page, a CSP
// header, app:// instead of file://, navigation and new windows denied, only checked http(s)
// links to the system browser, every IPC sender checked, no web permission but clipboard writes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session, shell, type WebContents } from 'electron';
import { ConfigError } from '../engine/config/load';
import { appStartUrl, createAppFrameCheck, isAppUrl, type AppLocation } from './app-frame';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './app-protocol';
import { cspFor, withCsp } from './csp';
import { parseAppArgs } from './app-args';
import { startEngineHost, type EngineHost } from './engine-host';
import { safeExternalUrl } from './external-url';
import { registerLabIpc } from './ipc';
import { permissionAllowed } from './permissions';
import { createQuitGuard } from './shutdown';
import { squirrelAction, updateExePath } from './squirrel';
import { buildMenuTemplate, statusLines } from './status-menu';

// Defined by Forge's Vite plugin at build time: the dev server URL under `electron-forge start`
// (undefined in a packaged build) and the renderer's name in forge.config.ts (main_window).
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const STATUS_REFRESH_MS = 5000;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const loc: AppLocation = MAIN_WINDOW_VITE_DEV_SERVER_URL ? { devServerUrl: MAIN_WINDOW_VITE_DEV_SERVER_URL } : {};
/**
 * The built renderer: where Forge's Vite plugin puts it by default (.vite/build/main.cjs →
 * .vite/renderer/<name>/), or dist/renderer/ when the renderer's Vite config sets that outDir (the
 * build `relaylab serve` serves). The first that has an index.html (fs reads inside app.asar).
 */
const rendererDir =
  [path.join(__dirname, '..', 'renderer', MAIN_WINDOW_VITE_NAME), path.join(__dirname, '..', '..', 'dist', 'renderer')].find((d) =>
    fs.existsSync(path.join(d, 'index.html')),
  ) ?? path.join(__dirname, '..', 'renderer', MAIN_WINDOW_VITE_NAME);

// Before `ready`: sandbox every renderer, and make app:// a standard, secure scheme.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

const squirrel = squirrelAction(process.argv, process.platform, process.execPath);
if (squirrel.quit) {
  // A Windows installer step: make or remove the shortcuts, then exit without starting anything.
  if (squirrel.updateExeArgs) spawn(updateExePath(process.execPath), squirrel.updateExeArgs, { detached: true, stdio: 'ignore' }).unref();
  app.quit();
} else if (!app.requestSingleInstanceLock()) {
  // Another Relay Lab owns the data dir and the ports; it gets focused by its second-instance handler.
  app.quit();
} else {
  run();
}

function run(): void {
  let hostPromise: Promise<EngineHost> | null = null;
  let host: EngineHost | null = null;
  let win: BrowserWindow | null = null;
  let disposeIpc: () => void = () => {};
  let statusTimer: NodeJS.Timeout | undefined;
  let menuKey = '';

  const guard = createQuitGuard({
    log,
    quit: () => app.quit(),
    stop: async () => {
      clearInterval(statusTimer);
      disposeIpc();
      const h = hostPromise ? await hostPromise.catch(() => null) : null;
      await h?.engine.stop();
    },
  });

  app.on('before-quit', (event) => guard.onBeforeQuit(event));
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {
    // macOS apps stay in the menu bar (the MTA keeps running); elsewhere closing the window quits.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  // As in `relaylab serve`: a bug in one session must not take the MTA down.
  process.on('uncaughtException', (err) => log(`relaylab: internal error (the engine keeps running): ${err.stack ?? err}`));
  process.on('unhandledRejection', (err) => log(`relaylab: internal error (the engine keeps running): ${(err as Error)?.stack ?? err}`));

  app.whenReady().then(ready).catch((err: unknown) => {
    log(`relaylab: the desktop app could not start: ${errText(err)}`);
    dialog.showErrorBox('Relay Lab could not start', errText(err));
    app.exit(1);
  });

  async function ready(): Promise<void> {
    const csp = cspFor(loc.devServerUrl !== undefined);
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl, loc)));
    ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin, loc));
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback(isAppUrl(details.url, loc) ? { responseHeaders: withCsp(details.responseHeaders, csp) } : {});
    });
    if (!loc.devServerUrl) registerAppProtocol(protocol, net, rendererDir, csp);

    hostPromise = startEngineHost({ dataDir: app.getPath('userData'), args: parseAppArgs(process.argv) });
    try {
      host = await hostPromise;
    } catch (err) {
      const title = err instanceof ConfigError ? 'Relay Lab: the config is not valid' : 'Relay Lab: the engine could not start';
      log(`relaylab: ${title.replace(/^Relay Lab: /, '')}:\n${errText(err)}`);
      dialog.showErrorBox(title, errText(err));
      app.exit(1);
      return;
    }
    const h = host;
    if (guard.state !== 'running') return; // a quit came in while the engine was starting

    disposeIpc = registerLabIpc(ipcMain, {
      impl: h.engine.api,
      isAppFrame: createAppFrameCheck(loc, () => (win && !win.isDestroyed() ? win.webContents.mainFrame : null)),
      onError: (method, err) => log(`relaylab: api: ${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
      log,
      events: h.engine.events,
      target: () => (win && !win.isDestroyed() && isAppUrl(win.webContents.getURL(), loc) ? win.webContents : null),
    });

    win = createWindow();
    if (h.startError) {
      void dialog.showMessageBox(win, {
        type: 'warning',
        title: 'Relay Lab',
        message: 'The SMTP listeners did not start',
        detail: `${h.startError}\n\nThe window still shows the trace and the queue. Fix the config (${h.source ?? 'embedded default'}) and restart Relay Lab.`,
      });
    }
    void refreshMenu();
    statusTimer = setInterval(() => void refreshMenu(), STATUS_REFRESH_MS);
    statusTimer.unref();
  }

  function createWindow(): BrowserWindow {
    const w = new BrowserWindow({
      width: 1280,
      height: 820,
      show: false,
      title: 'Relay Lab',
      webPreferences: {
        preload: path.join(__dirname, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: false,
      },
    });
    w.once('ready-to-show', () => w.show());
    w.on('closed', () => {
      if (win === w) win = null;
    });
    w.loadURL(appStartUrl(loc)).catch((err: unknown) => log(`relaylab: the window could not load the UI: ${errText(err)}`));
    return w;
  }

  function showWindow(): void {
    if (!app.isReady() || !host || guard.state !== 'running') return;
    if (!win || win.isDestroyed()) win = createWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  async function refreshMenu(): Promise<void> {
    if (!host || guard.state !== 'running') return;
    let lines: string[];
    try {
      lines = statusLines(await host.engine.api['engine.status']({}));
    } catch (err) {
      lines = statusLines(null, errText(err));
    }
    const key = lines.join('\n');
    if (key === menuKey) return;
    menuKey = key;
    Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(lines, process.platform, { showWindow })));
  }
}

/** Every webContents (the window, and anything that might ever be created): no navigation, no new windows, no webviews. */
function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (!isAppUrl(url, loc)) openExternally(url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
}

/** http(s) links go to the system browser after validation; anything else is refused. */
function openExternally(url: string): void {
  const safe = safeExternalUrl(url);
  if (!safe) {
    log(`relaylab: refused to open ${JSON.stringify(url.slice(0, 200))}: only http(s) links open in the system browser`);
    return;
  }
  shell.openExternal(safe).catch((err: unknown) => log(`relaylab: could not open ${safe}: ${errText(err)}`));
}
