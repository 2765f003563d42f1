// Hosts the engine in the Electron main process: picks the config (--config FILE, else
// <data>/relaylab.yaml when it exists, else the embedded default), checks it as `relaylab serve`
// does, creates the engine on the data dir (app.getPath('userData') unless --data DIR) and starts
// it. No electron import: main.ts passes the paths in, tests run it under Node.
import fs from 'node:fs';
import path from 'node:path';
import { checkConfig } from '../engine/config/check';
import { loadConfig } from '../engine/config/load';
import type { Config } from '../engine/config/schema';
import { createEngine, type Engine } from '../engine/index';
import type { AppArgs } from './app-args';

/** The config file the desktop app reads from its data dir when no --config is given. */
export const CONFIG_FILE_NAME = 'relaylab.yaml';

/** The config file to load, or undefined for the embedded default. */
export function chooseConfigFile(args: AppArgs, dataDir: string, exists: (p: string) => boolean = fs.existsSync): string | undefined {
  if (args.config) return args.config;
  const inData = path.join(dataDir, CONFIG_FILE_NAME);
  return exists(inData) ? inData : undefined;
}

/** Load and check a config as `relaylab serve` does; a problem throws ConfigError (file:line: key: message). */
export function loadHostConfig(file: string | undefined): { config: Config; source: string | null } {
  const r = loadConfig(file);
  checkConfig(r.config, r.source ?? '(embedded default)');
  return r;
}

export interface EngineHost {
  engine: Engine;
  /** The config file in use; null for the embedded default. */
  source: string | null;
  dataDir: string;
  /**
   * Why the listeners did not start (a port in use, a bad certificate), or null. The engine's API
   * still answers then (the trace and the queue are readable), so the window can show it.
   */
  startError: string | null;
}

/** Create and start the engine. A bad config throws (ConfigError); a failed start is reported in startError. */
export async function startEngineHost(o: { dataDir: string; args?: AppArgs }): Promise<EngineHost> {
  const args = o.args ?? {};
  const dataDir = path.resolve(args.data ?? o.dataDir);
  const { config, source } = loadHostConfig(chooseConfigFile(args, dataDir));
  const engine = createEngine(config, { dataDir, configSource: source });
  let startError: string | null = null;
  try {
    await engine.start();
  } catch (err) {
    startError = err instanceof Error ? err.message : String(err);
  }
  return { engine, source, dataDir, startError };
}
