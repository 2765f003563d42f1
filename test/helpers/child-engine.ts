// Runs `relaylab serve` as a child process, the way a user runs it: for tests that need to
// kill it (SIGKILL), measure its memory on its own, or check what it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { BASE_CONFIG } from './engine';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface ChildEngine {
  proc: ChildProcess;
  ports: Record<string, number>;
  uiUrl: string;
  token: string;
  output(): string;
  /** Resident set now and the high-water mark (bytes), from /proc. */
  memory(): { rss: number; hwm: number };
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function writeConfig(dir: string, overrides: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'config.yaml');
  fs.writeFileSync(file, stringify({ ...BASE_CONFIG, ui: { address: '127.0.0.1', port: 0 }, ...overrides }));
  return file;
}

export async function startChildEngine(configFile: string, dataDir: string, timeoutMs = 30_000): Promise<ChildEngine> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'relaylab.mjs'), 'serve', '--config', configFile, '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const end = Date.now() + timeoutMs;
  while (!/^UI: (\S+)$/m.test(out)) {
    if (proc.exitCode !== null) throw new Error(`relaylab serve exited with ${proc.exitCode}:\n${out}`);
    if (Date.now() > end) { proc.kill('SIGKILL'); throw new Error(`relaylab serve did not start:\n${out}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const ports: Record<string, number> = {};
  for (const m of out.matchAll(/^SMTP (\S+) \([^)]*\): [^\s]+:(\d+)$/gm)) ports[m[1] as string] = Number(m[2]);
  const ui = /^UI: (\S+)$/m.exec(out)?.[1] as string;
  const token = new URL(ui).searchParams.get('token') ?? '';
  return {
    proc, ports, uiUrl: ui, token,
    output: () => out,
    memory() {
      const s = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8');
      const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
      return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
      return new Promise((resolve) => { proc.once('exit', (code) => resolve(code)); proc.kill(signal); });
    },
  };
}
