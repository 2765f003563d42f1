// swaks (Debian's SMTP Swiss army knife) as a real client: plain to the MX, and STARTTLS +
// AUTH PLAIN on submission relaying to a next hop. CI installs swaks; elsewhere the suite is
// skipped when it is missing.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maildirFiles, startTestEngine, waitFor, type TestEngine } from '../helpers/engine';

const hasSwaks = spawnSync('sh', ['-c', 'command -v swaks']).status === 0;
if (!hasSwaks && process.env.CI) throw new Error('swaks is not installed: run `apt-get install -y swaks`');

describe.skipIf(!hasSwaks)('swaks', () => {
  let te: TestEngine;
  beforeAll(async () => {
    // 127.0.0.2 is "public" here, so submission demands AUTH from it; remote.test's next hop is
    // a port nothing listens on, so relayed mail just defers.
    te = await startTestEngine({ networks: { local: ['127.0.0.1/32'], vpn: [] }, transport: { 'remote.test': 'smtp:[127.0.0.1]:9' } });
    te.engine.users.add('carol', 'swaks test password');
  });
  afterAll(async () => { await te?.stop(); });

  // Asynchronous on purpose: the engine runs in this process and must keep answering.
  const swaks = (...args: string[]) => new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile('swaks', ['--server', '127.0.0.1', '--timeout', '20', ...args], (err, stdout, stderr) =>
      resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });

  it('delivers a message sent to the MX port to Maildir', async () => {
    const r = await swaks('--port', String(te.port('mx')), '--from', 'sender@example.org', '--to', 'dora@relaylab.test', '--header', 'Subject: via swaks');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/<- {2}250 2\.0\.0 Ok: queued as/);
    const [f] = await waitFor(() => maildirFiles(te.dataDir, 'relaylab.test', 'dora').length > 0 && maildirFiles(te.dataDir, 'relaylab.test', 'dora'), 10_000, 'delivery');
    expect(fs.readFileSync(f as string, 'utf8')).toContain('Subject: via swaks');
  });

  it('relays through submission only after STARTTLS and AUTH', async () => {
    const noAuth = await swaks('--local-interface', '127.0.0.2', '--port', String(te.port('submission')), '--from', 'carol@relaylab.test', '--to', 'x@remote.test', '--tls');
    expect(noAuth.stdout, noAuth.stderr).toMatch(/<~\* 530 5\.7\.0 Authentication required/);
    const ok = await swaks('--local-interface', '127.0.0.2', '--port', String(te.port('submission')), '--from', 'carol@relaylab.test', '--to', 'x@remote.test', '--tls',
      '--auth', 'PLAIN', '--auth-user', 'carol', '--auth-password', 'swaks test password');
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/235 .*Authentication successful/i);
    expect(ok.stdout).toMatch(/250 2\.0\.0 Ok: queued as/);
    // The password never reaches the trace.
    te.engine.committer.flush();
    const leaked = te.engine.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE body LIKE '%swaks test password%' OR body LIKE ?`)
      .get(`%${Buffer.from('\0carol\0swaks test password').toString('base64')}%`) as { n: number };
    expect(leaked.n).toBe(0);
  });
});
