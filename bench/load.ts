// Load generators: the built-in client (also measures per-transaction time) and Postfix's
// smtp-source. Each run sends a bounded number of messages and stops by itself.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { makeMessage, sendOne, SmtpConn } from './smtp-client';
import { DOMAIN } from './engine-proc';

export interface LoadSpec {
  port: number;
  count: number;
  concurrency: number;
  /** Body size in bytes. */
  size: number;
  /** true: each session sends many messages on one connection; false: a new connection per message. */
  reuse: boolean;
}

export interface LoadResult {
  /** Messages the server answered 250 to after DATA. */
  accepted: number;
  seconds: number;
  /** ms from MAIL FROM to the 250 after DATA, one per accepted message (built-in tool only). */
  latencies: number[];
  /** The first error, when the run broke. */
  error?: string;
}

const FROM = `bench@${DOMAIN}`;
const HELO = `bench.${DOMAIN}`;
const MAILBOXES = 50;
const RUN_TIMEOUT_MS = 5 * 60_000;

export async function runBuiltin(spec: LoadSpec): Promise<LoadResult> {
  const bodies = Array.from({ length: MAILBOXES }, (_, i) => makeMessage(spec.size, FROM, `u${i}@${DOMAIN}`));
  let next = 0;
  const latencies: number[] = [];
  let error: string | undefined;
  const take = () => (error === undefined && next < spec.count ? next++ : -1);

  const worker = async () => {
    let conn: SmtpConn | null = null;
    try {
      for (let n = take(); n >= 0; n = take()) {
        conn ??= await SmtpConn.open(spec.port, HELO);
        const box = n % MAILBOXES;
        latencies.push(await sendOne(conn, FROM, `u${box}@${DOMAIN}`, bodies[box] as Buffer));
        if (!spec.reuse) { await conn.quit(); conn = null; }
      }
      await conn?.quit();
    } catch (e) {
      error ??= (e as Error).message;
      conn?.close();
    }
  };

  const t0 = performance.now();
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { accepted: latencies.length, seconds, latencies, ...(error !== undefined ? { error } : {}) };
}

/** The smtp-source binary, or null (Debian puts it in /usr/sbin, often not on a user's PATH). */
export function findSmtpSource(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v smtp-source'], { encoding: 'utf8' });
  const onPath = r.status === 0 ? r.stdout.trim() : '';
  if (onPath) return onPath;
  return fs.existsSync('/usr/sbin/smtp-source') ? '/usr/sbin/smtp-source' : null;
}

/**
 * One smtp-source run. It stops at the first unexpected reply (no -A), so exit 0 means every
 * message was accepted. All messages go to one mailbox (smtp-source has one -t address).
 */
export function runSmtpSource(bin: string, spec: LoadSpec): Promise<LoadResult> {
  const args = ['-4', '-l', String(spec.size), '-m', String(spec.count), '-s', String(spec.concurrency),
    '-f', FROM, '-t', `bench@${DOMAIN}`, '-M', HELO, ...(spec.reuse ? ['-d'] : []), `127.0.0.1:${spec.port}`];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), RUN_TIMEOUT_MS);
    const done = (error?: string) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      resolve({ accepted: error ? 0 : spec.count, seconds, latencies: [], ...(error ? { error } : {}) });
    };
    p.on('error', (e) => done(`smtp-source could not run: ${e.message}`));
    p.on('exit', (code, signal) => {
      if (code === 0) return done();
      const why = signal === 'SIGKILL' ? `did not finish within ${RUN_TIMEOUT_MS / 1000} s` : `exited with ${code ?? signal}`;
      done(`smtp-source ${why}: ${stderr.trim().split('\n').slice(-3).join(' | ') || '(no output)'}`);
    });
  });
}
