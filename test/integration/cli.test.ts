// relaylab as a user runs it: `serve` prints its listeners and the UI line, takes mail from
// Python's smtplib, answers the API only with its token and only to a loopback Host;
// `check-config` names file, line and key; a port in use is one clear line.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildEngine, writeConfig, type ChildEngine } from '../helpers/child-engine';
import { maildirFiles, waitFor } from '../helpers/engine';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'relaylab.mjs');
let dataDir: string;
let engine: ChildEngine;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-cli-'));
  engine = await startChildEngine(writeConfig(dataDir), dataDir);
});
afterAll(async () => { await engine?.stop(); });

function api(method: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const url = new URL(engine.uiUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: url.port, path: `/api/${method}`, method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${engine.token}`, ...headers } }, (res) => {
      let data = '';
      res.on('data', (d: Buffer) => { data += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: data.startsWith('{') ? JSON.parse(data) : data }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('relaylab serve', () => {
  it('prints one line per listener and the UI line with its token', () => {
    expect(Object.keys(engine.ports).sort()).toEqual(['mx', 'submission', 'submissions']);
    expect(engine.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32,}$/);
  });

  it('takes a message from Python smtplib and delivers it to Maildir', async () => {
    execFileSync('python3', ['-c', `import smtplib
s = smtplib.SMTP('127.0.0.1', ${engine.ports.mx})
s.sendmail('py@example.org', ['alice@relaylab.test'], 'Subject: from python\\r\\n\\r\\nhello from smtplib\\r\\n')
s.quit()`]);
    const [f] = await waitFor(() => maildirFiles(dataDir, 'relaylab.test', 'alice').length > 0 && maildirFiles(dataDir, 'relaylab.test', 'alice'), 10_000, 'delivery');
    expect(fs.readFileSync(f as string, 'utf8')).toContain('hello from smtplib');
  });

  it('serves the API with the token, 401 without it, 403 for a foreign Host', async () => {
    const ok = await api('sessions.list', {});
    expect(ok.status).toBe(200);
    const reply = ok.json as { ok: boolean; value: { helo?: string }[] };
    expect(reply.ok).toBe(true);
    expect(reply.value.length).toBeGreaterThan(0);
    expect((await api('sessions.list', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await api('sessions.list', {}, { host: 'evil.example:8025' })).status).toBe(403);
    const st = await api('engine.status', {});
    expect((st.json as { value: { listeners: { listening: boolean }[] } }).value.listeners.every((l) => l.listening)).toBe(true);
  });

  it('says in one line which port is in use, and exits non-zero', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-cli-'));
    const cfg = writeConfig(dir, { listeners: [{ name: 'mx', role: 'mx', address: '127.0.0.1', port }] });
    const r = spawnSync(process.execPath, [BIN, 'serve', '--config', cfg, '--data', dir], { encoding: 'utf8', timeout: 30_000 });
    blocker.close();
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(listener "mx"\\): the port is already in use`));
  });
});

describe('relaylab check-config', () => {
  it('prints the effective config for a good file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-cli-'));
    const out = execFileSync(process.execPath, [BIN, 'check-config', '--config', writeConfig(dir)], { encoding: 'utf8' });
    expect(out).toMatch(/hostname: mx\.relaylab\.test/);
    expect(out).toMatch(/message_size_limit: 10240000/);
  });

  it('names file, line and key of a bad value, an unknown key and an unknown restriction; exits 1', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-cli-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'hostname: mx.example.test\nlisteners:\n  - { name: mx, role: mx, port: 99999 }\ncolour: blue\n');
    const r = spawnSync(process.execPath, [BIN, 'check-config', '--config', file], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:3: listeners.0.port:`);
    expect(r.stderr).toContain(`${file}:4: colour: unknown key colour`);
    fs.writeFileSync(file, 'policy:\n  relay: [permit_mynetworks, reject_evrything]\n');
    const r2 = spawnSync(process.execPath, [BIN, 'check-config', '--config', file], { encoding: 'utf8' });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/policy.*reject_evrything/);
  });
});
