// The engine under test, in its own process (forked by engine-proc.ts), so the load generator
// never shares its event loop. Reports its port and the group-commit counters over IPC.
import fs from 'node:fs';
import { parseConfig } from '../engine/config/load';
import { createEngine } from '../engine/index';
import type { QueueState } from '../engine/queue/states';

export type ChildMessage =
  | { t: 'ready'; port: number }
  | { t: 'stats'; commits: number; writes: number; queue: Record<QueueState, number> };

function send(m: ChildMessage): void {
  process.send?.(m);
}

export async function runEngineChild(cfgFile: string, dataDir: string): Promise<void> {
  const config = parseConfig(fs.readFileSync(cfgFile, 'utf8'), cfgFile);
  const engine = createEngine(config, { dataDir, configSource: cfgFile });
  await engine.start();
  const mx = engine.listeners.find((l) => l.name === 'mx');
  if (!mx) throw new Error('the bench config has no "mx" listener');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void engine.stop().finally(() => process.exit(0));
  };
  process.on('message', (m: { t?: string }) => {
    if (m.t === 'stats') send({ t: 'stats', ...engine.committer.stats, queue: engine.queue.counts() });
  });
  process.on('SIGTERM', stop);
  process.on('disconnect', stop); // the benchmark went away: do not linger
  send({ t: 'ready', port: mx.port });
}
