// The relaylab command: serve, start, check-config, user add (and, later, postmap, dkim).
// Each command prints one clear line on failure and exits non-zero; never a stack trace for
// a mistake the user can fix.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from './config/load';
import { checkConfig } from './config/check';
import { createEngine, dataPaths, VERSION } from './index';
import { startHttpApi } from './api/http';
import { openDb } from './store/db';
import { Users } from './smtp/users';

const USAGE = `relaylab ${VERSION}: a mail-routing lab with a real MTA

usage:
  relaylab serve [--config FILE] [--data DIR] [--open]
                                                engine + UI over HTTP (127.0.0.1:8025); --open opens a browser
  relaylab start [--config FILE] [--data DIR]   the desktop app; browser mode where Electron is missing
  relaylab check-config [--config FILE]         validate and print the effective config
  relaylab user add NAME [--data DIR]           add a SASL user (password from a prompt or stdin)
  relaylab postmap -q KEY TYPE:FILE             query a lookup table as Postfix's postmap -q does
  relaylab dkim keygen DOMAIN SELECTOR [--type rsa|ed25519]
                                                write a DKIM key and print the TXT record to publish
`;

function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'relaylab');
}

function parseArgs(argv: string[]): { pos: string[]; opts: Record<string, string> } {
  const pos: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) opts[k] = v;
      else if (['config', 'data', 'type', 'bits'].includes(k)) { const n = argv[++i]; if (n === undefined) fail(`--${k} needs a value`); opts[k] = n as string; }
      else opts[k] = 'true';
    } else pos.push(a);
  }
  return { pos, opts };
}

function fail(msg: string, code = 1): never {
  process.stderr.write(`relaylab: ${msg}\n`);
  process.exit(code);
}

function load(file?: string) {
  try {
    const r = loadConfig(file);
    checkConfig(r.config, r.source ?? '(embedded default)');
    return r;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`relaylab: the config is not valid:\n${e.message.split('\n').map((l) => `  ${l}`).join('\n')}\n`);
      process.exit(1);
    }
    throw e;
  }
}

function apiToken(file: string): string {
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t.length >= 32) return t;
  } catch { /* first start */ }
  const t = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${t}\n`, { mode: 0o600 });
  return t;
}

async function serve(opts: Record<string, string>): Promise<void> {
  const { config, source } = load(opts.config);
  const dataDir = path.resolve(opts.data ?? defaultDataDir());
  const engine = createEngine(config, { dataDir, configSource: source });
  try {
    await engine.start();
  } catch (e) {
    await engine.stop().catch(() => {});
    fail((e as Error).message);
  }
  const token = apiToken(dataPaths(dataDir).token);
  const staticDir = path.resolve(import.meta.dirname ?? '.', '..', 'dist', 'renderer');
  let http;
  try {
    http = await startHttpApi({ address: config.ui.address, port: config.ui.port, token, impl: engine.api, events: engine.events,
      ...(fs.existsSync(staticDir) ? { staticDir } : {}) });
  } catch (e) {
    await engine.stop();
    const err = e as NodeJS.ErrnoException;
    fail(`cannot listen on ${config.ui.address}:${config.ui.port} for the UI: ${err.code === 'EADDRINUSE' ? 'the port is already in use (is another relaylab running?); set ui.port in the config' : err.message}`);
  }
  for (const l of engine.listeners) {
    const lc = config.listeners.find((c) => c.name === l.name);
    process.stdout.write(`SMTP ${l.name} (${lc?.role}, ${lc?.tls ?? 'starttls'}): ${l.address}:${l.port}\n`);
  }
  process.stdout.write(`data: ${dataDir}${source ? `  config: ${source}` : '  config: embedded default'}\n`);
  const uiUrl = `http://${config.ui.address}:${http.port}/?token=${token}`;
  process.stdout.write(`UI: ${uiUrl}\n`);
  if (opts.open === 'true') (await import('../electron/open-browser')).openBrowser(uiUrl);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('relaylab: stopping (finishing sessions in flight)\n');
    await http.close().catch(() => {});
    await engine.stop();
    process.exit(0);
  };
  // A bug in one session must not take down the MTA and the mail it holds: log it and go on.
  // (Everything acknowledged is already on disk; the session that hit the bug gets a 451 or a reset.)
  process.on('uncaughtException', (e) => process.stderr.write(`relaylab: internal error (the engine keeps running): ${e.stack ?? e}\n`));
  process.on('unhandledRejection', (e) => process.stderr.write(`relaylab: internal error (the engine keeps running): ${(e as Error)?.stack ?? e}\n`));
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  process.stdout.write('Password: ');
  const stdin = process.stdin;
  stdin.setRawMode(true);
  return new Promise((resolve) => {
    let pw = '';
    const onData = (b: Buffer) => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n') { stdin.setRawMode(false); stdin.off('data', onData); stdin.pause(); process.stdout.write('\n'); return resolve(pw); }
        if (ch === '\u0003') { process.stdout.write('\n'); process.exit(130); }
        if (ch === '\u007f') pw = pw.slice(0, -1); else pw += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function main(argv: string[]): Promise<void> {
  const { pos, opts } = parseArgs(argv);
  const cmd = pos[0];
  switch (cmd) {
    case 'serve':
      return serve(opts);
    case 'start': {
      // The desktop app where the Electron binary is installed; otherwise one line and browser mode.
      // (electron/launcher.ts runs under plain Node and never imports 'electron'; it is loaded
      // lazily so the engine's own import graph stays free of electron/.)
      const { startCommand } = await import('../electron/launcher');
      const pass = [...(opts.config ? ['--config', opts.config] : []), ...(opts.data ? ['--data', opts.data] : [])];
      if ((await startCommand(pass)) === 'desktop') return;
      return serve(opts);
    }
    case 'check-config': {
      const { config, source } = load(opts.config);
      const { baseDir: _b, ...shown } = config;
      process.stdout.write(`# effective config (${source ?? 'embedded default'}); durations in milliseconds\n${stringify(shown)}`);
      return;
    }
    case 'user': {
      if (pos[1] !== 'add' || !pos[2]) fail('usage: relaylab user add NAME [--data DIR]', 2);
      const dataDir = path.resolve(opts.data ?? defaultDataDir());
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const pw = await readPassword();
      const db = openDb(dataPaths(dataDir).db);
      try { new Users(db).add(pos[2] as string, pw); } catch (e) { fail((e as Error).message); } finally { db.close(); }
      process.stdout.write(`relaylab: user ${pos[2]} saved (scrypt hash in ${dataPaths(dataDir).db})\n`);
      return;
    }
    case 'postmap': {
      if (pos[1] !== '-q' || pos.length !== 4) fail('usage: relaylab postmap -q KEY TYPE:FILE', 2);
      const r = await (await import('./tables')).postmapQuery(pos[2] as string, pos[3] as string, process.cwd());
      for (const w of r.warnings) process.stderr.write(`relaylab postmap: warning: ${w}\n`);
      (r.exit === 0 ? process.stdout : process.stderr).write(r.out);
      process.exit(r.exit);
    }
    case 'dkim': {
      if (pos[1] !== 'keygen' || !pos[2] || !pos[3]) fail('usage: relaylab dkim keygen DOMAIN SELECTOR [--type rsa|ed25519] [--bits N] [--force] [--config FILE] [--data DIR]', 2);
      const { config } = load(opts.config);
      const dataDir = path.resolve(opts.data ?? defaultDataDir());
      const type = (opts.type ?? 'rsa') as 'rsa' | 'ed25519';
      if (type !== 'rsa' && type !== 'ed25519') fail(`--type is rsa or ed25519, not "${opts.type}"`, 2);
      const { writeDkimKey } = await import('./auth');
      try {
        const k = writeDkimKey(path.resolve(dataDir, config.auth.dkim_keys_dir), pos[2] as string, pos[3] as string, type,
          { force: opts.force === 'true', ...(opts.bits ? { bits: Number(opts.bits) } : {}) });
        process.stdout.write(`key written to ${k.keyFile}\npublish this TXT record:\n${k.zoneLine}\nor, in a Relay Lab zone:\n  ${k.txtName}: { TXT: [${JSON.stringify(k.txtStrings)}] }\n`);
      } catch (e) { fail((e as Error).message); }
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      fail(`unknown command "${cmd}"\n${USAGE}`, 2);
  }
}
