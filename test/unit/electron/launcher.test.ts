// `relaylab start`: finding the Electron binary without require('electron') (which would start a
// download), and choosing desktop or browser mode.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_DIR, decideStart, electronBinary, probeElectron, startCommand, type StartDecision } from '../../../electron/launcher';

function fakeElectronPackage(opts: { pathTxt?: string; binary?: boolean }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-electron-pkg-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"electron"}');
  if (opts.pathTxt !== undefined) fs.writeFileSync(path.join(dir, 'path.txt'), opts.pathTxt);
  if (opts.binary) {
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'dist', opts.pathTxt ?? 'electron'), '', { mode: 0o755 });
  }
  return dir;
}

describe('probeElectron / electronBinary', () => {
  it('on this machine: the electron package is installed but its binary is not, and nothing is downloaded', () => {
    const electronDir = path.join(APP_DIR, 'node_modules', 'electron');
    const before = fs.existsSync(path.join(electronDir, 'path.txt'));
    const started = Date.now();
    const probe = probeElectron();
    expect(Date.now() - started).toBeLessThan(2000);
    if (before) return; // a machine where Electron was downloaded: nothing more to say here
    expect(probe).toEqual({ binary: null, reason: 'its download was skipped when the electron package was installed' });
    expect(electronBinary()).toBeNull();
    expect(fs.existsSync(path.join(electronDir, 'path.txt'))).toBe(false);
  });

  it('no electron package', () => {
    expect(probeElectron({ electronDir: null })).toEqual({ binary: null, reason: 'the electron package is not installed' });
  });

  it('path.txt but no binary in dist/', () => {
    const dir = fakeElectronPackage({ pathTxt: 'electron' });
    const probe = probeElectron({ electronDir: dir, env: {} });
    expect(probe.binary).toBeNull();
    expect(probe.binary === null && probe.reason).toMatch(/dist[\\/]electron does not exist$/);
  });

  it('the binary in dist/<path.txt>', () => {
    const dir = fakeElectronPackage({ pathTxt: 'electron', binary: true });
    expect(electronBinary({ electronDir: dir, env: {} })).toBe(path.join(dir, 'dist', 'electron'));
  });

  it('ELECTRON_OVERRIDE_DIST_PATH, as electron/index.js honours it', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-electron-dist-'));
    fs.writeFileSync(path.join(dist, 'electron'), '');
    const dir = fakeElectronPackage({});
    expect(electronBinary({ electronDir: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: dist } })).toBe(path.join(dist, 'electron'));
    expect(probeElectron({ electronDir: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' } })).toEqual({ binary: null, reason: 'ELECTRON_OVERRIDE_DIST_PATH has no electron binary' });
  });
});

describe('decideStart', () => {
  const base = { forgeCli: '/app/node_modules/@electron-forge/cli/dist/electron-forge.js', hasBuild: false, appDir: '/app', nodePath: '/usr/bin/node' };

  it('no binary → browser mode, one line with the reason', () => {
    const d = decideStart([], { ...base, probe: { binary: null, reason: 'its download was skipped when the electron package was installed' } });
    expect(d).toEqual({ mode: 'browser', message: 'relaylab: the Electron binary is not installed on this machine (its download was skipped when the electron package was installed); starting browser mode' });
    expect(d.mode === 'browser' && d.message.includes('\n')).toBe(false);
  });

  it('binary + Forge → electron-forge start with our options after --, as absolute paths', () => {
    const d = decideStart(['--config', 'lab.yaml', '--data=/var/lab'], { ...base, probe: { binary: '/app/node_modules/electron/dist/electron' } }, '/home/me');
    expect(d).toMatchObject({ mode: 'desktop', command: '/usr/bin/node', args: [base.forgeCli, 'start', '--', '--config=/home/me/lab.yaml', '--data=/var/lab'], cwd: '/app' });
    expect(d.mode === 'desktop' && d.note).toContain('npm rebuild better-sqlite3');
  });

  it('binary, no Forge, a build → electron .', () => {
    const d = decideStart([], { ...base, forgeCli: null, hasBuild: true, probe: { binary: '/e/electron' } });
    expect(d).toMatchObject({ mode: 'desktop', command: '/e/electron', args: ['/app'] });
  });

  it('binary, no Forge, no build → browser mode', () => {
    const d = decideStart([], { ...base, forgeCli: null, probe: { binary: '/e/electron' } });
    expect(d.mode).toBe('browser');
  });
});

describe('startCommand', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  function fakeChild(run: (child: EventEmitter) => void): () => ChildProcess {
    return () => {
      const child = Object.assign(new EventEmitter(), { kill: () => true }) as unknown as ChildProcess;
      setImmediate(() => run(child as unknown as EventEmitter));
      return child;
    };
  }

  it("browser: prints the one line and returns 'browser'", async () => {
    const out: string[] = [];
    const r = await startCommand(['--data', '/x'], { decide: () => ({ mode: 'browser', message: 'relaylab: no Electron here' }), out: (l) => out.push(l) });
    expect(r).toBe('browser');
    expect(out).toEqual(['relaylab: no Electron here']);
  });

  it("desktop: runs the app, returns 'desktop' when it exits, with its exit code", async () => {
    const out: string[] = [];
    const spawned: unknown[][] = [];
    const decision: StartDecision = { mode: 'desktop', command: '/usr/bin/node', args: ['forge', 'start'], cwd: '/app', note: 'relaylab: starting the desktop app' };
    const spawn = fakeChild((c) => c.emit('exit', 3, null));
    const sigintListeners = process.listenerCount('SIGINT');
    const r = await startCommand([], { decide: () => decision, out: (l) => out.push(l), spawn: (...a) => (spawned.push(a), spawn()) });
    expect(r).toBe('desktop');
    expect(process.exitCode).toBe(3);
    expect(spawned).toEqual([['/usr/bin/node', ['forge', 'start'], { cwd: '/app', stdio: 'inherit' }]]);
    expect(out).toEqual(['relaylab: starting the desktop app']);
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners); // the forwarders are gone again
  });

  it("a spawn that fails falls back to browser mode", async () => {
    const out: string[] = [];
    const decision: StartDecision = { mode: 'desktop', command: '/nonexistent', args: [], cwd: '/app', note: 'relaylab: starting the desktop app' };
    const r = await startCommand([], { decide: () => decision, out: (l) => out.push(l), spawn: fakeChild((c) => c.emit('error', new Error('spawn /nonexistent ENOENT'))) });
    expect(r).toBe('browser');
    expect(out[1]).toBe('relaylab: the desktop app could not be started (spawn /nonexistent ENOENT); starting browser mode');
  });
});
