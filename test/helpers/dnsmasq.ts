// A real DNS server for tests: Debian's dnsmasq on a loopback address, answering only the data it is
// given (no resolv.conf, no /etc/hosts, no upstream: names outside its data get REFUSED).
// Also a UDP "server" that reads queries and never answers (timeouts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import dgram from 'node:dgram';
import net from 'node:net';
import { promises as dns } from 'node:dns';

export const DNSMASQ = ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq', '/sbin/dnsmasq'].find((p) => existsSync(p));
export const INSTALL_HINT = 'dnsmasq is not installed: run `apt-get install -y dnsmasq` (CI must have it)';
/** Skip without dnsmasq on a dev machine; in CI the suite runs and fails with INSTALL_HINT. */
export const skipWithoutDnsmasq = !DNSMASQ && !process.env.CI;

export interface Dnsmasq { server: string; address: string; port: number; stop(): Promise<void>; log(): string }

async function freePort(address: string): Promise<number> {
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((ok, fail) => { udp.once('error', fail); udp.bind(0, address, ok); });
  const { port } = udp.address();
  const tcp = net.createServer();
  try {
    await new Promise<void>((ok, fail) => { tcp.once('error', fail); tcp.listen(port, address, ok); });
    await new Promise((ok) => tcp.close(ok));
    return port;
  } catch {
    return freePort(address); // the TCP side of that port is taken: try another
  } finally {
    udp.close();
  }
}

/** Resolves once the server answers anything at all (REFUSED included). */
async function ready(server: string, child: ChildProcess, log: () => string): Promise<void> {
  const probe = new dns.Resolver({ timeout: 200, tries: 1 });
  probe.setServers([server]);
  const until = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited (${child.exitCode}):\n${log()}`);
    try {
      await probe.resolve4('probe.invalid');
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ETIMEOUT' && code !== 'ECONNREFUSED') return;
    }
    if (Date.now() > until) throw new Error(`dnsmasq did not answer on ${server}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts dnsmasq with `data` options (--mx-host=..., --host-record=..., ...) on address:<free port>. */
export async function startDnsmasq(data: string[], address = '127.0.0.53'): Promise<Dnsmasq> {
  if (!DNSMASQ) throw new Error(INSTALL_HINT);
  const port = await freePort(address);
  const args = [
    '--keep-in-foreground', '--log-facility=-', '--conf-file=/dev/null', '--pid-file=',
    '--no-resolv', '--no-hosts', '--no-poll', '--bind-interfaces', `--listen-address=${address}`, `--port=${port}`,
    '--cache-size=0', // dnsmasq's own cache off: what is cached is ours
    ...data,
  ];
  const child = spawn(DNSMASQ, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => { out += b; });
  child.stderr?.on('data', (b: Buffer) => { out += b; });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const server = `${address}:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  try {
    await ready(server, child, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  return { server, address, port, stop, log: () => out };
}

/** A UDP socket that reads DNS queries and never answers; counts what it got. */
export async function silentServer(address = '127.0.0.1'): Promise<{ server: string; packets(): number; close(): void }> {
  const sock = dgram.createSocket('udp4');
  let n = 0;
  sock.on('message', () => { n++; });
  await new Promise<void>((ok) => sock.bind(0, address, ok));
  return { server: `${address}:${sock.address().port}`, packets: () => n, close: () => sock.close() };
}
