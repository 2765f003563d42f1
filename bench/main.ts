// npm run bench: SMTP throughput of the engine (issue requirement 10). Starts the engine in a
// child process, sends bounded runs of mail to it, prints messages/s (median of 3 runs),
// transaction times, peak RSS and a comparison with the issue's reference figures, then checks
// that every accepted message reached Maildir. Never a pass/fail on time; exit 1 only if broken.
import fs from 'node:fs';
import os from 'node:os';
import { runEngineChild } from './engine-child';
import { startBareProc, startEngineProc, type EngineProc } from './engine-proc';
import { runBareChild } from './bare-child';
import { startPostfixProc } from './postfix-proc';
import { findSmtpSource, runBuiltin, runSmtpSource, type LoadResult, type LoadSpec } from './load';
import { fmt, median, percentile, ratio, table } from './report';

interface Scenario {
  name: string;
  size: number;
  concurrency: number;
  reuse: boolean;
  large: boolean;
  /** Postfix 3.7 and bare smtp-server figures from the issue, msg/s. */
  postfix: number;
  smtpServer: number;
}

const SCENARIOS: Scenario[] = [
  { name: '1 KB, c=1', size: 1024, concurrency: 1, reuse: true, large: false, postfix: 800, smtpServer: 970 },
  { name: '1 KB, c=10', size: 1024, concurrency: 10, reuse: true, large: false, postfix: 1900, smtpServer: 4400 },
  { name: '1 KB, c=50', size: 1024, concurrency: 50, reuse: true, large: false, postfix: 1600, smtpServer: 3400 },
  { name: '100 KB, c=10', size: 100 * 1024, concurrency: 10, reuse: true, large: true, postfix: 1260, smtpServer: 1500 },
  { name: '1 KB, c=10, new conn/msg', size: 1024, concurrency: 10, reuse: false, large: false, postfix: 1200, smtpServer: 95 },
];

const USAGE = `usage: npm run bench -- [--tool builtin|smtp-source] [--messages N] [--runs N] [--quick] [--profile DIR]
  --tool      load generator for the msg/s columns (default: smtp-source when installed)
  --messages  messages per 1 KB run (default 2000; 100 KB runs send a quarter of it)
  --runs      runs per scenario (default 3; the median is reported)
  --quick     a smoke run: 200 messages per 1 KB run
  --profile   write a V8 CPU profile of the engine process into DIR (node --cpu-prof)
`;

const DRAIN_WAIT_MS = 60_000;

interface Options { tool: 'builtin' | 'smtp-source'; messages: number; runs: number; profileDir?: string }

function parseOptions(argv: string[]): Options {
  const o: Partial<Options> & { quick?: boolean } = {};
  const smtpSource = findSmtpSource();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => { const v = argv[++i]; if (v === undefined) throw new UsageError(`${a} needs a value`); return v; };
    const count = () => { const n = Number(value()); if (!Number.isInteger(n) || n < 1) throw new UsageError(`${a} needs a whole number >= 1`); return n; };
    if (a === '--tool') {
      const t = value();
      if (t !== 'builtin' && t !== 'smtp-source') throw new UsageError(`--tool is builtin or smtp-source, not "${t}"`);
      o.tool = t;
    } else if (a === '--messages') o.messages = count();
    else if (a === '--runs') o.runs = count();
    else if (a === '--quick') o.quick = true;
    else if (a === '--profile') o.profileDir = value();
    else if (a === '--help' || a === '-h') { process.stdout.write(USAGE); process.exit(0); }
    else throw new UsageError(`unknown option "${a}"`);
  }
  if (o.tool === 'smtp-source' && !smtpSource) throw new UsageError('smtp-source is not installed (apt-get install postfix brings it)');
  return {
    tool: o.tool ?? (smtpSource ? 'smtp-source' : 'builtin'),
    messages: o.messages ?? (o.quick ? 200 : 2000),
    runs: o.runs ?? 3,
    ...(o.profileDir ? { profileDir: o.profileDir } : {}),
  };
}

class UsageError extends Error {}

interface ScenarioResult {
  scenario: Scenario;
  rates: number[];
  latencies: number[];
  /** msg/s of the built-in run that measured latencies, when it was an extra run. */
  latencyRunRate?: number;
  commits: number;
  writes: number;
  /** Engine CPU seconds and wall seconds over the msg/s runs (drain waits excluded). */
  cpu: number;
  wall: number;
  /** msg/s of the bare smtp-server baseline under the same load, this run (median). */
  bare: number;
  /** msg/s of Postfix 3.7 (real queue, discard delivery) under the same load, this run (median), or NaN. */
  postfixHere: number;
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--engine-child') return runEngineChild(argv[1] as string, argv[2] as string);
  if (argv[0] === '--bare-child') return runBareChild(argv[1] as string);
  let opts: Options;
  try { opts = parseOptions(argv); } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bench: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  let engine: EngineProc | undefined;
  try {
    engine = await startEngineProc(opts.profileDir ? { profileDir: opts.profileDir } : {});
    const code = await bench(engine, opts);
    process.exitCode = code;
  } catch (e) {
    process.stderr.write(`bench: broken: ${(e as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await engine?.stop();
  }
  // keep the data dir of a broken run for a look; a clean one is only thousands of test messages
  if (engine && process.exitCode === 0) fs.rmSync(engine.dataDir, { recursive: true, force: true });
  else if (engine) process.stderr.write(`bench: data kept in ${engine.dataDir}\n`);
}

async function bench(engine: EngineProc, opts: Options): Promise<number> {
  const smtpSource = findSmtpSource();
  const say = (s: string) => process.stdout.write(`${s}\n`);
  say(`relaylab bench: node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), engine pid ${engine.pid} on 127.0.0.1:${engine.port}`);
  say(`load: ${opts.tool} for msg/s${opts.tool === 'smtp-source' ? ` (${smtpSource})` : ''}; built-in client for transaction times; ${opts.messages} msgs per 1 KB run, ${largeCount(opts)} per 100 KB run, ${opts.runs} runs each`);
  say(`data: ${engine.dataDir} (removed at the end of a clean run)\n`);

  let acked = 0;
  const problems: string[] = [];
  const results: ScenarioResult[] = [];
  const run = async (tool: Options['tool'], spec: LoadSpec, label: string): Promise<LoadResult & { cpu: number }> => {
    const cpu0 = engine.cpuSeconds() ?? NaN;
    const r = tool === 'builtin' ? await runBuiltin(spec) : await runSmtpSource(smtpSource as string, spec);
    const cpu = (engine.cpuSeconds() ?? NaN) - cpu0;
    acked += r.accepted;
    const rate = r.accepted / r.seconds;
    say(`  ${label.padEnd(22)} ${fmt(rate).padStart(6)} msg/s  (${r.accepted} in ${r.seconds.toFixed(2)} s)${r.error ? `  ERROR: ${r.error}` : ''}`);
    if (r.error) problems.push(`${label}: ${r.error}`);
    const drained = await waitDelivered(engine, acked, DRAIN_WAIT_MS);
    if (!drained) say(`  (queue not drained after ${DRAIN_WAIT_MS / 1000} s: ${engine.delivered()} of ${acked} delivered; going on)`);
    return { ...r, cpu };
  };

  for (const sc of SCENARIOS) {
    say(`${sc.name}:`);
    const spec: LoadSpec = { port: engine.port, count: sc.large ? largeCount(opts) : opts.messages, concurrency: sc.concurrency, size: sc.size, reuse: sc.reuse };
    const before = await engine.stats();
    const res: ScenarioResult = { scenario: sc, rates: [], latencies: [], commits: 0, writes: 0, cpu: 0, wall: 0, bare: NaN, postfixHere: NaN };
    for (let i = 1; i <= opts.runs; i++) {
      const r = await run(opts.tool, spec, `run ${i} (${opts.tool})`);
      res.rates.push(r.accepted / r.seconds);
      res.latencies.push(...r.latencies);
      res.cpu += r.cpu;
      res.wall += r.seconds;
    }
    if (opts.tool !== 'builtin') {
      const r = await run('builtin', spec, 'latency run (builtin)');
      res.latencies = r.latencies;
      res.latencyRunRate = r.accepted / r.seconds;
    }
    const bareRates: number[] = [];
    const bare = await startBareProc();
    try {
      for (let i = 1; i <= opts.runs; i++) {
        const r = opts.tool === 'builtin' ? await runBuiltin({ ...spec, port: bare.port }) : await runSmtpSource(smtpSource as string, { ...spec, port: bare.port });
        bareRates.push(r.accepted / r.seconds);
        say(`  baseline run ${i}          ${fmt(r.accepted / r.seconds).padStart(6)} msg/s  (bare smtp-server, write + fsync only)`);
      }
    } finally {
      await bare.stop();
    }
    res.bare = median(bareRates);
    res.postfixHere = await measurePostfix(spec, opts, smtpSource, say);
    const after = await engine.stats();
    res.commits = after.commits - before.commits;
    res.writes = after.writes - before.writes;
    results.push(res);
    if (problems.length > 0) break; // a broken engine makes later figures meaningless
  }

  const drained = await waitDelivered(engine, acked, DRAIN_WAIT_MS);
  const delivered = engine.delivered();
  const final = await engine.stats();
  const peak = engine.peakRssKiB();

  say('');
  const rows = [['scenario', 'runs (msg/s)', 'median', 'builtin', 'p50 ms', 'p99 ms', 'bare here', 'us/bare', 'Postfix here', 'us/Postfix', 'Postfix/bare ref', 'engine CPU', 'writes/commit']];
  for (const r of results) {
    const m = median(r.rates);
    const pf = Number.isNaN(r.postfixHere) ? ['-', '-'] : [fmt(r.postfixHere), ratio(m, r.postfixHere)];
    rows.push([r.scenario.name, r.rates.map((x) => fmt(x)).join(' / '), fmt(m), r.latencyRunRate !== undefined ? fmt(r.latencyRunRate) : '=', fmt(percentile(r.latencies, 50), 2),
      fmt(percentile(r.latencies, 99), 2), fmt(r.bare), ratio(m, r.bare), ...pf, ratio(r.scenario.postfix, r.scenario.smtpServer), `${fmt((100 * r.cpu) / r.wall)}%`, r.commits ? (r.writes / r.commits).toFixed(1) : '-']);
  }
  say(table(rows));
  say('');
  if (results.some((r) => !Number.isNaN(r.postfixHere))) {
    say(`vs Postfix 3.7 measured in this run (real queue, discard delivery; us/Postfix): ${results.map((r) => ratio(median(r.rates), r.postfixHere)).join(' / ')}   [c=1 / c=10 / c=50 / 100 KB c=10 / new conn]`);
  }
  const ratios = (ref: (s: Scenario) => number) => results.map((r) => ratio(median(r.rates), ref(r.scenario))).join(' / ');
  const refs = (ref: (s: Scenario) => number) => results.map((r) => fmt(ref(r.scenario))).join(' / ');
  say(`vs Postfix 3.7 (${refs((s) => s.postfix)} msg/s): ${ratios((s) => s.postfix)}   [c=1 / c=10 / c=50 / 100 KB c=10 / new conn]`);
  say(`vs bare smtp-server (${refs((s) => s.smtpServer)} msg/s): ${ratios((s) => s.smtpServer)}`);
  say(`relative to a bare smtp-server measured in this run (us/bare) vs Postfix relative to the bare server in the issue's figures (Postfix/bare ref): ${results.map((r) => `${ratio(median(r.rates), r.bare)} vs ${ratio(r.scenario.postfix, r.scenario.smtpServer)}`).join(' / ')}`);
  say('  (we beat Postfix in a column where us/bare is higher; our runs include Maildir delivery, the Postfix figures discarded the mail)');
  say('builtin: msg/s of the built-in run that measured p50/p99 (= when the runs above used it); engine CPU: % of one core during the msg/s runs');
  say(`engine peak RSS (VmHWM): ${peak === null ? 'unknown (no /proc)' : `${fmt(peak / 1024, 1)} MiB`}`);
  say(`group commit: ${final.commits} commits carried ${final.writes} durable writes (${final.commits ? (final.writes / final.commits).toFixed(2) : '-'} per commit)`);

  const queued = (final.queue.incoming ?? 0) + (final.queue.active ?? 0);
  const stuck = (final.queue.deferred ?? 0) + (final.queue.hold ?? 0) + (final.queue.bounced ?? 0) + (final.queue.corrupt ?? 0);
  const queueLine = Object.entries(final.queue).map(([k, v]) => `${k} ${v}`).join(', ');
  if (drained && stuck === 0) say(`delivery check: all ${acked} accepted messages are in Maildir (${delivered} files); queue: ${queueLine}`);
  else {
    say(`delivery check: ${delivered} of ${acked} accepted messages are in Maildir after waiting ${DRAIN_WAIT_MS / 1000} s; queue: ${queueLine}`);
    if (stuck > 0) problems.push(`${stuck} message(s) deferred, held, bounced or corrupt instead of delivered`);
    else if (queued === 0 && delivered < acked) problems.push(`${acked - delivered} accepted message(s) are neither in Maildir nor in the queue`);
    else say(`  (${queued} still queued: delivery is slower than acceptance here, nothing lost)`);
  }
  if (problems.length === 0) return 0;
  process.stderr.write(`bench: broken:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  return 1;
}

/** The scenario's load against a private Postfix (median msg/s of opts.runs runs), or NaN when it cannot run here. */
async function measurePostfix(spec: LoadSpec, opts: Options, smtpSource: string | null, say: (s: string) => void): Promise<number> {
  const pf = await startPostfixProc();
  if ('unavailable' in pf) { say(`  Postfix runs skipped: ${pf.unavailable}`); return NaN; }
  const rates: number[] = [];
  try {
    for (let i = 1; i <= opts.runs; i++) {
      const r = opts.tool === 'builtin' ? await runBuiltin({ ...spec, port: pf.port }) : await runSmtpSource(smtpSource as string, { ...spec, port: pf.port });
      if (r.error) { say(`  Postfix run ${i}: ${r.error}`); continue; }
      rates.push(r.accepted / r.seconds);
      say(`  Postfix run ${i}           ${fmt(r.accepted / r.seconds).padStart(6)} msg/s  (Postfix 3.7, real queue, discard)`);
    }
  } finally {
    await pf.stop();
  }
  return rates.length ? median(rates) : NaN;
}

function largeCount(opts: Options): number {
  return Math.max(1, Math.round(opts.messages / 4));
}

async function waitDelivered(engine: EngineProc, target: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (engine.delivered() < target) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
