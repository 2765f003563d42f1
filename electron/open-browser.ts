// `relaylab serve --open`: hand the UI URL to the system browser where there is one (xdg-open in a
// graphical Linux session, open on macOS, the URL protocol handler on Windows); elsewhere one line
// says why and nothing happens. The URL is checked first (http(s) only) and passed as a single
// argument, never through a shell. Runs under plain Node.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { safeExternalUrl } from './external-url';

export type Opener = { command: string; args: string[] } | { reason: string };

/** An executable named `name` on PATH, or null. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env, isExecutable = defaultIsExecutable): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function defaultIsExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** How to open `url` on this platform, or why it cannot be done. Pure apart from `which`. */
export function browserOpener(url: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv, which: (name: string) => string | null): Opener {
  const safe = safeExternalUrl(url);
  if (!safe) return { reason: 'not an http(s) URL' };
  switch (platform) {
    case 'darwin':
      return { command: which('open') ?? '/usr/bin/open', args: [safe] };
    case 'win32':
      // rundll32 takes the URL as one argument; `cmd /c start` would parse it (& ^ %) first.
      return { command: 'rundll32.exe', args: ['url.dll,FileProtocolHandler', safe] };
    default: {
      // Without a graphical session xdg-open falls back to a text browser in this terminal (or fails).
      if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { reason: 'no graphical session (DISPLAY and WAYLAND_DISPLAY are not set)' };
      const xdg = which('xdg-open');
      return xdg ? { command: xdg, args: [safe] } : { reason: 'xdg-open is not installed' };
    }
  }
}

export interface OpenDeps {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  which?: (name: string) => string | null;
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
  log?: (line: string) => void;
}

/** Open `url` in the system browser; false (after one line on stderr) when there is none. */
export function openBrowser(url: string, deps: OpenDeps = {}): boolean {
  const env = deps.env ?? process.env;
  const log = deps.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const opener = browserOpener(url, deps.platform ?? process.platform, env, deps.which ?? ((n) => findOnPath(n, env)));
  if ('reason' in opener) {
    log(`relaylab: cannot open a browser here (${opener.reason}); open the UI URL yourself`);
    return false;
  }
  try {
    const child = (deps.spawn ?? spawn)(opener.command, opener.args, { detached: true, stdio: 'ignore' });
    child.once('error', (err) => log(`relaylab: could not open a browser (${opener.command}: ${err.message}); open the UI URL yourself`));
    child.unref();
    return true;
  } catch (err) {
    log(`relaylab: could not open a browser (${err instanceof Error ? err.message : String(err)}); open the UI URL yourself`);
    return false;
  }
}
