// engine: the Relay Lab MTA, headless. createEngine(config, deps) → { start, stop, api, events }.
// Inputs: an effective Config and a data dir. Outputs: SMTP listeners, Maildir, next-hop SMTP,
// the trace (SQLite + live events) and the typed API. Never imports electron or react.
// Trust: the config and the data dir are the operator's; everything from the network is not.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config/schema';
import { createResolver } from './dns';
import type { Resolver } from './dns/resolver.port';
import { createPolicy } from './policy';
import { createTableSet } from './tables';
import { Greylist } from './greylist/greylist';
import { createVirtualAliases } from './rewrite/aliases';
import { createSrs, loadSrsSecrets } from './srs';
import { Queue } from './queue/queue';
import { SpoolPool } from './queue/spool-pool';
import { openDb, walPath, type Db } from './store/db';
import { coalescedFsync } from './store/fsync';
import { GroupCommitter } from './store/committer';
import { TraceBus } from './trace/bus';
import { eventsSince, lastEventSeq, startRecorder } from './trace/recorder';
import { createClassifier } from './smtp/network';
import { startListener, type RunningListener } from './smtp/listener';
import { loadOrCreateCertificate } from './smtp/tls';
import { Users } from './smtp/users';
import { Scheduler } from './delivery/scheduler';
import { createApiImpl } from './api/impl';
import type { EngineApi, ListenerStatus } from './api/contract';
import type { EventFeed } from './api/http';

export const VERSION = '0.1.0';

export interface EngineOptions {
  dataDir: string;
  configSource?: string | null;
  /** Replace the resolver (tests); default: from config.dns. */
  resolver?: Resolver;
  /** Start the delivery scheduler (default true). */
  deliver?: boolean;
}

export interface Engine {
  config: Config;
  api: EngineApi;
  bus: TraceBus;
  db: Db;
  queue: Queue;
  users: Users;
  events: EventFeed;
  listeners: RunningListener[];
  committer: GroupCommitter;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The data dir layout: relaylab.sqlite, spool/, mail/, tls/, api-token. */
export function dataPaths(dataDir: string) {
  return { db: path.join(dataDir, 'relaylab.sqlite'), spool: path.join(dataDir, 'spool'), mail: path.join(dataDir, 'mail'), token: path.join(dataDir, 'api-token') };
}

export function createEngine(config: Config, opts: EngineOptions): Engine {
  const p = dataPaths(opts.dataDir);
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(p.spool, { recursive: true, mode: 0o700 });
  fs.mkdirSync(p.mail, { recursive: true, mode: 0o700 });
  const db = openDb(p.db);
  const walSync = coalescedFsync(walPath(p.db));
  const spool = new SpoolPool(p.spool);
  const committer = new GroupCommitter(db, walSync.sync, { delayMs: config.queue.commit_delay });
  committer.onError = (e) => console.error('relaylab: database write failed:', e.message);
  const bus = new TraceBus(lastEventSeq(db));
  const stopRecorder = startRecorder(db, committer, bus);
  const queue = new Queue(db, committer, bus);
  const users = new Users(db);
  const resolver = opts.resolver ?? createResolver(config.dns, config.baseDir);
  const unsubDns = resolver.onQuery((query) => bus.emit({ t: 'dns', at: query.at, query }));
  const tables = createTableSet({ baseDir: config.baseDir });
  const greylist = new Greylist(db, config.greylist);
  const makePolicy = (p: Config['policy']) => createPolicy(p, { context: {
    tables, recipientDelimiter: config.recipient_delimiter, myorigin: config.myorigin, rblReplyMaps: p.rbl_reply_maps,
    greylist: { check: (ip, sender, rcpt) => greylist.check(ip, sender, rcpt), hostname: config.hostname },
  } });
  let policy = makePolicy(config.policy);
  const srsDomain = (config.srs.domain ?? config.myorigin).toLowerCase();
  const srs = config.srs.enabled
    ? createSrs({ secrets: loadSrsSecrets(opts.dataDir, config.srs.secret_file), domain: srsDomain, localDomains: config.domains,
      maxAgeDays: config.srs.max_age, hashLength: config.srs.hash_length })
    : undefined;
  const virtualTables = config.virtual_alias_maps.map((spec) => tables.open(spec));
  const aliases = createVirtualAliases({ tables: virtualTables, domains: config.domains, extraDomains: config.virtual_alias_domains,
    myorigin: config.myorigin, delimiter: config.recipient_delimiter });
  const classify = createClassifier(config.networks);
  const scheduler = new Scheduler({ config, queue, committer, bus, resolver, mailRoot: p.mail, spool, ...(srs ? { srs } : {}) });
  const startedAt = Date.now();
  const listeners: RunningListener[] = [];
  const listenerErrors = new Map<string, string>();
  let housekeeping: NodeJS.Timeout[] = [];

  const api = createApiImpl({
    db, queue, config, configSource: opts.configSource ?? null, startedAt, version: VERSION, lastSeq: () => lastEventSeq(db), syncTrace: () => committer.flushBackground(), bus,
    applyConfig: (next) => {
      // Live where the engine reads the setting per use: the restriction lists (a new Policy
      // object for new commands) and the auth and greylist settings (read per message).
      // Everything else (listeners, domains, DNS, queue, tables for aliases) needs a restart.
      const live = ['policy', 'auth', 'greylist'] as const;
      const applied: string[] = [];
      for (const key of live) {
        if (JSON.stringify(next[key]) === JSON.stringify(config[key])) continue;
        if (key === 'policy') policy = makePolicy(next.policy);
        Object.assign(config[key], next[key]);
        applied.push(key);
      }
      const restart = (Object.keys(next) as (keyof Config)[])
        .filter((k) => k !== 'baseDir' && !(live as readonly string[]).includes(k) && JSON.stringify(next[k]) !== JSON.stringify(config[k]));
      return { applied, restartNeeded: restart };
    },
    sendTarget: (name) => {
      const l = listeners.find((x) => x.name === name);
      const lc = config.listeners.find((x) => x.name === name);
      return l && lc ? { address: l.address, port: l.port, implicitTls: lc.tls === 'implicit', hostname: config.hostname } : undefined;
    },
    listeners: (): ListenerStatus[] => config.listeners.map((lc) => {
      const running = listeners.find((l) => l.name === lc.name);
      return { name: lc.name, role: lc.role, address: lc.address, port: running?.port ?? lc.port, tls: lc.tls ?? 'starttls',
        listening: !!running, ...(listenerErrors.has(lc.name) ? { error: listenerErrors.get(lc.name) } : {}) };
    }),
  });

  return {
    config, api, bus, db, queue, users, listeners, committer,
    events: { since: (seq, limit) => eventsSince(db, seq, limit), subscribe: (fn) => bus.subscribe(fn), lastSeq: () => bus.lastSeq },
    async start() {
      // Open every table once now, so a broken one is reported at start (its lookups answer 451).
      for (const spec of [...policy.tableSpecs(), ...config.policy.rbl_reply_maps, ...config.virtual_alias_maps]) {
        const h = tables.open(spec).health();
        if (h.error) console.error(`relaylab: table ${spec}: ${h.error} (its lookups answer 451 until it is fixed)`);
        for (const w of h.warnings) console.error(`relaylab: table ${spec}: warning: ${w}`);
      }
      housekeeping = [
        setInterval(() => greylist.purge(), 23 * 3_600_000),
        setInterval(() => queue.pruneDelivered(config.queue.keep_delivered), 3_600_000),
      ];
      for (const t of housekeeping) t.unref();
      queue.pruneDelivered(config.queue.keep_delivered);
      const recovered = queue.recover();
      if (recovered > 0) console.error(`relaylab: ${recovered} message(s) were in delivery at the last stop; they will be delivered again`);
      const tls = await loadOrCreateCertificate({ dataDir: opts.dataDir, hostname: config.hostname, cert: config.tls.cert, key: config.tls.key, baseDir: config.baseDir });
      const swept = spool.sweep(queue.spoolFilesInUse());
      if (swept > 0) console.error(`relaylab: removed ${swept} unused spool file(s) left by the last run`);
      try {
        for (const lc of config.listeners) {
          listeners.push(await startListener({ config, listener: lc, tls, classify, resolver, policy: () => policy, queue, users, bus, spool, aliases,
            dkimKeysDir: path.resolve(opts.dataDir, config.auth.dkim_keys_dir), ...(srs ? { srs: { srs, domain: srsDomain } } : {}) }));
        }
      } catch (e) {
        listenerErrors.set(config.listeners[listeners.length]?.name ?? '?', (e as Error).message);
        await Promise.all(listeners.map((l) => l.stop(0)));
        listeners.length = 0;
        throw e;
      }
      if (opts.deliver !== false) scheduler.start();
    },
    async stop() {
      for (const t of housekeeping) clearInterval(t);
      await Promise.all(listeners.map((l) => l.stop(5000)));
      await scheduler.stop();
      unsubDns();
      stopRecorder();
      committer.close();
      resolver.close?.();
      tables.close();
      walSync.close();
      spool.close();
      db.close();
    },
  };
}
