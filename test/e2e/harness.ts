// What the UI tests and the UI benchmark share: build the renderer with Vite, start a real
// engine plus the HTTP API serving that build, and launch Debian's Chromium (playwright-core;
// never a downloaded browser). Everything binds to 127.0.0.1.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { startHttpApi, type HttpApi } from '../../engine/api/http';
import { startTestEngine, type TestEngine } from '../helpers/engine';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function haveChromium(): boolean {
  return fs.existsSync(CHROMIUM);
}

/** Builds renderer/ with vite.renderer.config.ts into outDir (a temp dir by default). */
export async function buildRenderer(outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-ui-'))): Promise<string> {
  const { build } = await import('vite');
  await build({
    configFile: path.join(ROOT, 'vite.renderer.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  if (!fs.existsSync(path.join(outDir, 'index.html'))) throw new Error(`vite build wrote no index.html into ${outDir}`);
  return outDir;
}

export interface Lab {
  te: TestEngine;
  http: HttpApi;
  token: string;
  staticDir: string;
  /** The address to open first: it trades the token for the session cookie. */
  loginUrl: string;
  /** Stops the HTTP API only (the engine keeps running), to test reconnection. */
  stopHttp(): Promise<void>;
  /** Starts the HTTP API again on the same port. */
  restartHttp(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLab(staticDir: string, overrides: Record<string, unknown> = {}, dataDir?: string): Promise<Lab> {
  const te = await startTestEngine(overrides, dataDir);
  const token = randomBytes(18).toString('base64url');
  const start = (port: number): Promise<HttpApi> =>
    startHttpApi({ address: '127.0.0.1', port, token, impl: te.engine.api, events: te.engine.events, staticDir, heartbeatMs: 5000 });
  const lab: Lab = {
    te,
    http: await start(0),
    token,
    staticDir,
    loginUrl: '',
    async stopHttp() {
      await lab.http.close();
    },
    async restartHttp() {
      lab.http = await start(lab.http.port);
    },
    async stop() {
      await lab.http.close().catch(() => {});
      await te.stop();
      if (!dataDir) fs.rmSync(te.dataDir, { recursive: true, force: true });
    },
  };
  lab.loginUrl = `${lab.http.url}?token=${token}`;
  return lab;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** A loopback port nothing listens on (for a next hop that refuses connections). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
