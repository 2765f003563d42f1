// Starts the engine for the benchmark in a child process: a temp data dir, the default policy,
// the durable queue, Maildir delivery for relaylab.test, DNS from the lab zone, 127.0.0.1 port 0.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ChildMessage } from './engine-child';

export interface EngineStats { commits: number; writes: number; queue: Record<string, number> }

export const DOMAIN = 'relaylab.test';

export interface EngineProc {
  port: number;
  pid: number;
  dataDir: string;
  /** Group-commit counters so far (commits, and durable writes they carried) and queue counts. */
  stats(): Promise<EngineStats>;
  /** VmHWM of the engine process in KiB (Linux), or null where /proc is missing. */
  peakRssKiB(): number | null;
  /** CPU time (user + system) the engine process has used, in seconds (Linux), or null. */
  cpuSeconds(): number | null;
  /** Messages in <data>/mail/<domain>/<any>/new. */
  delivered(): number;
  stop(): Promise<void>;
}

const CONFIG = {
  hostname: `mx.${DOMAIN}`,
  domains: [DOMAIN],
  listeners: [{ name: 'mx', role: 'mx', address: '127.0.0.1', port: 0 }],
  dns: { mode: 'zone', records: {} },
  ui: { address: '127.0.0.1', port: 0 },
};

export async function startEngineProc(opts: { profileDir?: string } = {}): Promise<EngineProc> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-bench-'));
  const cfgFile = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(cfgFile, stringify(CONFIG));
  const entry = path.resolve(import.meta.dirname, '..', 'bin', 'bench.mjs');
  const child = fork(entry, ['--engine-child', cfgFile, dataDir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: opts.profileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.profileDir] : [],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the engine did not start within 30 s')), 30_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the engine exited during start (code ${code})`)); });
    child.on('message', (m: ChildMessage) => { if (m.t === 'ready') { clearTimeout(timer); resolve(m.port); } });
  });
  const pid = child.pid as number;
  return {
    port, pid, dataDir,
    stats: () => ask(child),
    peakRssKiB: () => vmHwm(pid),
    cpuSeconds: () => cpuSeconds(pid),
    delivered: () => countDelivered(path.join(dataDir, 'mail', DOMAIN)),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => { clearTimeout(kill); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}

function ask(child: ChildProcess): Promise<EngineStats> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.off('message', on); reject(new Error('the engine did not answer a stats request')); }, 5000);
    const on = (m: ChildMessage) => {
      if (m.t !== 'stats') return;
      clearTimeout(timer);
      child.off('message', on);
      resolve({ commits: m.commits, writes: m.writes, queue: m.queue });
    };
    child.on('message', on);
    child.send({ t: 'stats' });
  });
}

function vmHwm(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, after the parenthesised name). */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

function countDelivered(domainDir: string): number {
  let n = 0;
  let boxes: string[];
  try { boxes = fs.readdirSync(domainDir); } catch { return 0; }
  for (const box of boxes) {
    try { n += fs.readdirSync(path.join(domainDir, box, 'new')).length; } catch { /* being created */ }
  }
  return n;
}

/** The bare smtp-server baseline (bare-child.ts) in its own process; resolves with its port. */
export async function startBareProc(): Promise<{ port: number; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-bench-bare-'));
  const entry = path.resolve(import.meta.dirname, '..', 'bin', 'bench.mjs');
  const child = fork(entry, ['--bare-child', dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the baseline server did not start within 30 s')), 30_000);
    child.on('message', (m: { t?: string; port?: number }) => { if (m.t === 'ready') { clearTimeout(timer); resolve(m.port as number); } });
  });
  return {
    port,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => { fs.rmSync(dir, { recursive: true, force: true }); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}
