// `relaylab serve --open`: which command opens the browser, and a message where none can.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { browserOpener, findOnPath, openBrowser } from '../../../electron/open-browser';

const URL_ = 'http://127.0.0.1:8025/?token=abc_DEF-123';
const which = (have: string[]) => (name: string) => (have.includes(name) ? `/usr/bin/${name}` : null);

describe('browserOpener', () => {
  it('Linux with a graphical session: xdg-open URL', () => {
    expect(browserOpener(URL_, 'linux', { DISPLAY: ':0' }, which(['xdg-open']))).toEqual({ command: '/usr/bin/xdg-open', args: [URL_] });
    expect(browserOpener(URL_, 'freebsd', { WAYLAND_DISPLAY: 'wayland-0' }, which(['xdg-open']))).toEqual({ command: '/usr/bin/xdg-open', args: [URL_] });
  });

  it('Linux without a display or without xdg-open: a reason', () => {
    expect(browserOpener(URL_, 'linux', {}, which(['xdg-open']))).toEqual({ reason: 'no graphical session (DISPLAY and WAYLAND_DISPLAY are not set)' });
    expect(browserOpener(URL_, 'linux', { DISPLAY: ':0' }, which([]))).toEqual({ reason: 'xdg-open is not installed' });
  });

  it('macOS: open; Windows: the URL protocol handler, the URL as one argument', () => {
    expect(browserOpener(URL_, 'darwin', {}, which(['open']))).toEqual({ command: '/usr/bin/open', args: [URL_] });
    expect(browserOpener(URL_, 'win32', {}, which([]))).toEqual({ command: 'rundll32.exe', args: ['url.dll,FileProtocolHandler', URL_] });
  });

  it('only http(s) URLs', () => {
    expect(browserOpener('file:///etc/passwd', 'darwin', {}, which(['open']))).toEqual({ reason: 'not an http(s) URL' });
    expect(browserOpener('--help', 'linux', { DISPLAY: ':0' }, which(['xdg-open']))).toEqual({ reason: 'not an http(s) URL' });
  });
});

describe('openBrowser', () => {
  it('spawns the opener detached and returns true', () => {
    const spawned: unknown[][] = [];
    let unref = 0;
    const ok = openBrowser(URL_, {
      platform: 'linux', env: { DISPLAY: ':0' }, which: which(['xdg-open']),
      spawn: (...a) => (spawned.push(a), Object.assign(new EventEmitter(), { unref: () => void unref++ }) as unknown as ChildProcess),
    });
    expect(ok).toBe(true);
    expect(spawned).toEqual([['/usr/bin/xdg-open', [URL_], { detached: true, stdio: 'ignore' }]]);
    expect(unref).toBe(1);
  });

  it('no browser: one line, false, nothing spawned', () => {
    const lines: string[] = [];
    const ok = openBrowser(URL_, { platform: 'linux', env: {}, which: which([]), spawn: () => { throw new Error('must not spawn'); }, log: (l) => lines.push(l) });
    expect(ok).toBe(false);
    expect(lines).toEqual(['relaylab: cannot open a browser here (no graphical session (DISPLAY and WAYLAND_DISPLAY are not set)); open the UI URL yourself']);
  });

  it('an opener that fails to start is reported', () => {
    const lines: string[] = [];
    const child = Object.assign(new EventEmitter(), { unref: () => {} });
    openBrowser(URL_, { platform: 'darwin', env: {}, which: which(['open']), spawn: () => child as unknown as ChildProcess, log: (l) => lines.push(l) });
    child.emit('error', new Error('spawn /usr/bin/open EACCES'));
    expect(lines).toEqual(['relaylab: could not open a browser (/usr/bin/open: spawn /usr/bin/open EACCES); open the UI URL yourself']);
  });
});

describe('findOnPath', () => {
  it('finds executables on PATH only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-path-'));
    fs.writeFileSync(path.join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'data'), 'x', { mode: 0o644 });
    const env = { PATH: ['/nonexistent', dir].join(path.delimiter) };
    expect(findOnPath('tool', env)).toBe(path.join(dir, 'tool'));
    expect(findOnPath('data', env)).toBeNull();
    expect(findOnPath('tool', {})).toBeNull();
  });
});
