// `relaylab start` (npm start): the desktop app where the Electron binary is installed, otherwise
// one line saying why and browser mode. Runs under plain Node (the CLI), never inside Electron, and
// never require()s 'electron': that package's index.js starts a download when its binary is missing.
// The binary is found the way electron's index.js finds it: dist/<path.txt>, or
// ELECTRON_OVERRIDE_DIST_PATH.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatAppArgs, parseAppArgs } from './app-args';

/** The repository / app root (package.json, forge.config.ts). */
export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface ProbeDeps {
  /** node_modules/electron (or null when the package cannot be resolved). Default: resolved from APP_DIR. */
  electronDir?: string | null;
  env?: NodeJS.ProcessEnv;
  exists?: (p: string) => boolean;
  readFile?: (p: string) => string;
}

export type ElectronProbe = { binary: string } | { binary: null; reason: string };

function resolvePackageDir(name: string, from: string): string | null {
  try {
    return path.dirname(createRequire(path.join(from, 'package.json')).resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

/** Where the Electron binary is, or why there is none. */
export function probeElectron(deps: ProbeDeps = {}): ElectronProbe {
  const env = deps.env ?? process.env;
  const exists = deps.exists ?? fs.existsSync;
  const readFile = deps.readFile ?? ((p: string) => fs.readFileSync(p, 'utf8'));
  const dir = deps.electronDir !== undefined ? deps.electronDir : resolvePackageDir('electron', APP_DIR);
  if (!dir) return { binary: null, reason: 'the electron package is not installed' };
  let rel: string | null = null;
  try {
    rel = readFile(path.join(dir, 'path.txt')).trim() || null;
  } catch {
    rel = null;
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const bin = path.join(override, rel ?? 'electron');
    return exists(bin) ? { binary: bin } : { binary: null, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${rel ?? 'electron'} binary` };
  }
  if (!rel) return { binary: null, reason: 'its download was skipped when the electron package was installed' };
  const bin = path.join(dir, 'dist', rel);
  return exists(bin) ? { binary: bin } : { binary: null, reason: `${path.relative(APP_DIR, bin) || bin} does not exist` };
}

/** The Electron binary, or null when it is not installed on this machine. */
export function electronBinary(deps: ProbeDeps = {}): string | null {
  return probeElectron(deps).binary;
}

export type StartDecision =
  | { mode: 'desktop'; command: string; args: string[]; cwd: string; note: string }
  | { mode: 'browser'; message: string };

export interface DecideDeps {
  probe: ElectronProbe;
  /** @electron-forge/cli's entry script, or null when it is not installed. */
  forgeCli: string | null;
  /** True when a built main bundle exists (.vite/build/main.cjs), so `electron .` can run it. */
  hasBuild: boolean;
  appDir: string;
  nodePath: string;
}

export const BUILT_MAIN = path.join('.vite', 'build', 'main.cjs');

/**
 * What `relaylab start ARGS` does. Electron present → electron-forge start (builds main, preload and
 * the renderer and runs them; our options after `--`), or `electron .` on an existing build when
 * Forge is not installed. Missing → browser mode, with the reason in the one line.
 */
export function decideStart(argv: readonly string[], d: DecideDeps, cwd = process.cwd()): StartDecision {
  const probe = d.probe;
  if (probe.binary === null) {
    return { mode: 'browser', message: `relaylab: the Electron binary is not installed on this machine (${probe.reason}); starting browser mode` };
  }
  const appArgs = formatAppArgs(parseAppArgs(argv, cwd));
  const rebuildNote = 'better-sqlite3 gets rebuilt for Electron; run `npm rebuild better-sqlite3` before using `relaylab serve` or the tests under Node again';
  if (d.forgeCli) {
    return { mode: 'desktop', command: d.nodePath, args: [d.forgeCli, 'start', '--', ...appArgs], cwd: d.appDir, note: `relaylab: starting the desktop app (electron-forge start); ${rebuildNote}` };
  }
  if (d.hasBuild) {
    return { mode: 'desktop', command: probe.binary, args: [d.appDir, ...appArgs], cwd: d.appDir, note: 'relaylab: starting the desktop app (electron .)' };
  }
  return { mode: 'browser', message: 'relaylab: Electron is installed but neither Electron Forge nor a built app (.vite/build) is; starting browser mode' };
}

function forgeCliScript(appDir: string): string | null {
  const dir = resolvePackageDir('@electron-forge/cli', appDir);
  if (!dir) return null;
  const script = path.join(dir, 'dist', 'electron-forge.js');
  return fs.existsSync(script) ? script : null;
}

export interface StartDeps {
  decide?: (argv: readonly string[]) => StartDecision;
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
  out?: (line: string) => void;
}

/**
 * For the CLI's `start`: 'browser' after printing the one line (the caller then runs browser mode),
 * or 'desktop' once the desktop app has exited (process.exitCode is set to its exit code). A spawn
 * that fails (the app never ran) also ends in 'browser'.
 */
export async function startCommand(argv: readonly string[], deps: StartDeps = {}): Promise<'desktop' | 'browser'> {
  const out = deps.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const decision = (deps.decide ?? ((a) => decideStart(a, {
    probe: probeElectron(),
    forgeCli: forgeCliScript(APP_DIR),
    hasBuild: fs.existsSync(path.join(APP_DIR, BUILT_MAIN)),
    appDir: APP_DIR,
    nodePath: process.execPath,
  })))(argv);
  if (decision.mode === 'browser') {
    out(decision.message);
    return 'browser';
  }
  out(decision.note);
  const child = (deps.spawn ?? spawn)(decision.command, decision.args, { cwd: decision.cwd, stdio: 'inherit' });
  // Ctrl-C reaches the app too (same process group); wait for its graceful stop instead of dying first.
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    process.exitCode = code;
  } catch (err) {
    // It never ran (spawn failed): browser mode is still better than nothing.
    out(`relaylab: the desktop app could not be started (${err instanceof Error ? err.message : String(err)}); starting browser mode`);
    return 'browser';
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  return 'desktop';
}
