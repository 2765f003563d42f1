// Starts a real engine for a test: a temp data dir, listeners on 127.0.0.1 port 0, the lab zone
// for DNS (never the machine's resolver), and the delivery scheduler on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../../engine/config/load';
import { createEngine, type Engine } from '../../engine/index';

export interface TestEngine {
  engine: Engine;
  dataDir: string;
  port(name: string): number;
  stop(): Promise<void>;
}

export const BASE_CONFIG = {
  hostname: 'mx.relaylab.test',
  domains: ['relaylab.test'],
  listeners: [
    { name: 'mx', role: 'mx', address: '127.0.0.1', port: 0 },
    { name: 'submission', role: 'submission', address: '127.0.0.1', port: 0, tls: 'starttls' },
    { name: 'submissions', role: 'submission', address: '127.0.0.1', port: 0, tls: 'implicit' },
  ],
  dns: { mode: 'zone', records: {} },
  queue: { minimal_backoff_time: '1s', maximal_backoff_time: '4s', maximal_queue_lifetime: '1h' },
};

export async function startTestEngine(overrides: Record<string, unknown> = {}, dataDir?: string): Promise<TestEngine> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-test-'));
  const yaml = stringify({ ...BASE_CONFIG, ...overrides });
  const cfgFile = path.join(dir, 'config.yaml');
  fs.writeFileSync(cfgFile, yaml);
  const config = parseConfig(yaml, cfgFile);
  const engine = createEngine(config, { dataDir: dir, configSource: cfgFile });
  await engine.start();
  return {
    engine,
    dataDir: dir,
    port: (name) => {
      const l = engine.listeners.find((x) => x.name === name);
      if (!l) throw new Error(`no listener ${name}`);
      return l.port;
    },
    stop: () => engine.stop(),
  };
}

/** Wait until fn returns a truthy value (polls; fails after timeoutMs). */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<Truthy<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as Truthy<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Files delivered to a Maildir's new/ folder. */
export function maildirFiles(dataDir: string, domain: string, local: string): string[] {
  const dir = path.join(dataDir, 'mail', domain, local, 'new');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((f) => path.join(dir, f));
}
