// A private Postfix instance for the differential test: its own config_directory, queue and data
// directories in a temp folder, one smtpd service per profile on 127.0.0.1, everything delivered to
// discard:. Never touches the system instance (/etc/postfix) and never uses DNS (no peername lookup).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const POSTFIX = ['/usr/sbin/postfix'].find((p) => fs.existsSync(p));
export const POSTFIX_HINT = 'Postfix is not installed: run `DEBIAN_FRONTEND=noninteractive apt-get install -y postfix` (CI must have it)';

export interface PostfixInstance { dir: string; port(profile: string): number; log(): string; stop(): Promise<void> }

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((ok, fail) => { srv.once('error', fail); srv.listen(0, '127.0.0.1', ok); });
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

/** Standard Postfix services, none chrooted (the temp queue has no chroot jail). */
const SERVICES = `
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`;

/**
 * main: extra main.cf lines (parameter = value); services: profile name → smtpd -o overrides.
 * Starts `postfix -c DIR start` and waits until every smtpd port accepts a connection.
 */
export async function startPostfix(main: Record<string, string>, services: Record<string, Record<string, string>>): Promise<PostfixInstance> {
  if (!POSTFIX) throw new Error(POSTFIX_HINT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-postfix-'));
  const conf = path.join(dir, 'conf');
  const data = path.join(dir, 'data');
  for (const d of [conf, path.join(dir, 'queue'), data]) fs.mkdirSync(d);
  fs.chmodSync(dir, 0o755);
  // master.lock and the TLS/verify caches live in data_directory, which must belong to mail_owner.
  const owner = await run('id', ['-u', 'postfix']).then((r) => Number(r.stdout.trim()), () => undefined);
  if (owner !== undefined && process.getuid?.() === 0) fs.chownSync(data, owner, owner);
  const ports: Record<string, number> = {};
  const lines: string[] = [];
  for (const [name, o] of Object.entries(services)) {
    ports[name] = await freePort();
    const opts = Object.entries(o).map(([k, v]) => `  -o { ${k} = ${v} }`).join('\n');
    lines.push(`# profile ${name}\n127.0.0.1:${ports[name]} inet n - n - - smtpd\n${opts}`);
  }
  fs.writeFileSync(path.join(conf, 'master.cf'), `${lines.join('\n')}\n${SERVICES}`);
  const base: Record<string, string> = {
    compatibility_level: '3.6',
    queue_directory: path.join(dir, 'queue'),
    data_directory: data,
    maillog_file_prefixes: dir,
    maillog_file: path.join(dir, 'maillog'),
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    ...main,
  };
  fs.writeFileSync(path.join(conf, 'main.cf'), Object.entries(base).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n');
  const pf = { dir, port: (p: string) => { const n = ports[p]; if (!n) throw new Error(`no postfix profile ${p}`); return n; },
    log: () => { try { return fs.readFileSync(path.join(dir, 'maillog'), 'utf8'); } catch { return ''; } },
    stop: async () => {
      await run(POSTFIX as string, ['-c', conf, 'stop']).catch(() => undefined);
      // postfix stop returns before master has exited: wait for its pid file's process to go.
      const pidFile = path.join(dir, 'queue', 'pid', 'master.pid');
      const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0;
      for (let i = 0; pid && i < 100; i++) {
        try { process.kill(pid, 0); } catch { break; }
        await new Promise((r) => setTimeout(r, 100));
      }
    } };
  try {
    await run(POSTFIX, ['-c', conf, 'start']);
  } catch (e) {
    throw new Error(`postfix -c ${conf} start failed: ${(e as Error).message}\n${pf.log()}`);
  }
  try {
    for (const port of Object.values(ports)) await waitPort(port, pf.log);
  } catch (e) {
    await pf.stop(); // never leave a half-started master behind
    throw e;
  }
  return pf;
}

async function waitPort(port: number, log: () => string): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => { s.destroy(); res(true); });
      s.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`postfix smtpd on 127.0.0.1:${port} never listened\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
