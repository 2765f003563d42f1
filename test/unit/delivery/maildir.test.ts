import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverToMaildir, encodeComponent, mailboxDir, maildirName } from '../../../engine/delivery/maildir';
import type { DeliverableMessage } from '../../../engine/delivery/types';

let work: string;
let mailRoot: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-maildir-'));
  mailRoot = path.join(work, 'mail');
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

function spool(content: string, sender = 'alice@example.org'): DeliverableMessage {
  const spoolPath = path.join(work, `spool-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(spoolPath, content);
  return { id: 'Q1', sender, spoolPath, size: Buffer.byteLength(content), arrivedAt: Date.now() };
}

/** Every file under dir, relative, sorted. */
function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p).map((x) => path.join(e.name, x)));
    else out.push(e.name);
  }
  return out.sort();
}

/** Nothing exists next to mailRoot except what the test put there. */
function assertContained() {
  const outside = fs.readdirSync(work).filter((n) => n !== 'mail' && !n.startsWith('spool-'));
  expect(outside).toEqual([]);
}

const body = 'Received: from x by y; Tue, 1 Jan 2030 00:00:00 +0000\r\nSubject: hi\r\n\r\nhello\r\n';

describe('deliverToMaildir', () => {
  it('writes Return-Path and Delivered-To on top, then the spool file, into new/', async () => {
    const msg = spool(body);
    const dsn = await deliverToMaildir({ mailRoot, domain: 'Example.TEST', localPart: 'Bob', rcpt: 'bob@example.test', msg, hostname: 'mx.example.test' });
    expect(dsn).toEqual({ action: 'delivered', status: '2.0.0', reason: 'delivered to maildir' });
    const box = path.join(mailRoot, 'example.test', 'bob');
    const files = fs.readdirSync(path.join(box, 'new'));
    expect(files).toHaveLength(1);
    const content = fs.readFileSync(path.join(box, 'new', files[0]!), 'utf8');
    expect(content).toBe(`Return-Path: <alice@example.org>\r\nDelivered-To: bob@example.test\r\n${body}`);
    expect(files[0]).toMatch(/^\d+\.M\d+P\d+Q\d+\.mx\.example\.test,S=(\d+)$/);
    expect(Number(/,S=(\d+)$/.exec(files[0]!)![1])).toBe(Buffer.byteLength(content));
    expect(fs.readdirSync(path.join(box, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(box, 'cur'))).toEqual([]);
    expect(fs.statSync(path.join(box, 'new', files[0]!)).mode & 0o777).toBe(0o600);
    for (const d of [box, path.join(box, 'new'), path.join(box, 'tmp'), path.join(box, 'cur')]) {
      expect(fs.statSync(d).mode & 0o777).toBe(0o700);
    }
  });

  it('writes Return-Path: <> for the null sender and keeps unique names for repeated deliveries', async () => {
    for (let i = 0; i < 3; i++) {
      const dsn = await deliverToMaildir({ mailRoot, domain: 'example.test', localPart: 'bob', rcpt: 'bob@example.test', msg: spool(body, ''), hostname: 'h' });
      expect(dsn.action).toBe('delivered');
    }
    const dir = path.join(mailRoot, 'example.test', 'bob', 'new');
    const files = fs.readdirSync(dir);
    expect(new Set(files).size).toBe(3);
    expect(fs.readFileSync(path.join(dir, files[0]!), 'utf8').startsWith('Return-Path: <>\r\nDelivered-To: bob@example.test\r\n')).toBe(true);
  });

  it('keeps CR/LF from the envelope out of the added headers', async () => {
    const msg = spool(body, 'evil@x\r\nX-Injected: yes');
    await deliverToMaildir({ mailRoot, domain: 'example.test', localPart: 'bob', rcpt: 'bob@example.test\r\nBcc: z', msg, hostname: 'h' });
    const dir = path.join(mailRoot, 'example.test', 'bob', 'new');
    const content = fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]!), 'utf8');
    expect(content.split('\r\n').slice(0, 2)).toEqual(['Return-Path: <evil@xX-Injected: yes>', 'Delivered-To: bob@example.testBcc: z']);
  });

  it('streams a large spool file', async () => {
    const line = `${'x'.repeat(76)}\r\n`;
    const big = line.repeat(70_000); // ~5.4 MB
    const msg = spool(big);
    const dsn = await deliverToMaildir({ mailRoot, domain: 'example.test', localPart: 'big', rcpt: 'big@example.test', msg, hostname: 'h' });
    expect(dsn.action).toBe('delivered');
    const dir = path.join(mailRoot, 'example.test', 'big', 'new');
    const f = path.join(dir, fs.readdirSync(dir)[0]!);
    expect(fs.statSync(f).size).toBe(big.length + 'Return-Path: <alice@example.org>\r\nDelivered-To: big@example.test\r\n'.length);
  });

  it('a missing spool file is a delayed 4.3.0 and leaves tmp/ empty', async () => {
    const msg = { ...spool(body), spoolPath: path.join(work, 'spool-missing') };
    const dsn = await deliverToMaildir({ mailRoot, domain: 'example.test', localPart: 'bob', rcpt: 'bob@example.test', msg, hostname: 'h' });
    expect(dsn.action).toBe('delayed');
    expect(dsn.status).toBe('4.3.0');
    expect(dsn.reason).toMatch(/ENOENT/);
    const box = path.join(mailRoot, 'example.test', 'bob');
    expect(fs.readdirSync(path.join(box, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(box, 'new'))).toEqual([]);
  });

  it('an unwritable mail store is a delayed 4.3.0, not an exception', async () => {
    fs.writeFileSync(mailRoot, 'not a directory');
    const dsn = await deliverToMaildir({ mailRoot, domain: 'example.test', localPart: 'bob', rcpt: 'bob@example.test', msg: spool(body), hostname: 'h' });
    expect(dsn).toMatchObject({ action: 'delayed', status: '4.3.0' });
  });

  describe('names from the network never leave mailRoot', () => {
    const cases: { name: string; domain: string; localPart: string; dir?: [string, string] }[] = [
      { name: 'dot-dot local part', domain: 'example.test', localPart: '../x', dir: ['example.test', '..%2fx'] },
      { name: 'slash', domain: 'example.test', localPart: 'a/b', dir: ['example.test', 'a%2fb'] },
      { name: 'backslash', domain: 'example.test', localPart: 'a\\..\\b', dir: ['example.test', 'a%5c..%5cb'] },
      { name: 'dot-dot domain with slash', domain: '../../etc', localPart: 'passwd', dir: ['..%2f..%2fetc', 'passwd'] },
      { name: 'NUL byte', domain: 'example.test', localPart: 'a\0b', dir: ['example.test', 'a%00b'] },
      { name: 'unicode', domain: 'exämple.test', localPart: 'jürgen', dir: ['ex%c3%a4mple.test', 'j%c3%bcrgen'] },
      { name: 'percent itself', domain: 'example.test', localPart: 'a%2fb', dir: ['example.test', 'a%252fb'] },
      { name: 'absolute path', domain: '/etc', localPart: 'x', dir: ['%2fetc', 'x'] },
      { name: 'spaces and quotes', domain: 'example.test', localPart: '"a b"', dir: ['example.test', '%22a%20b%22'] },
      { name: 'plus and equals kept', domain: 'example.test', localPart: 'SRS0=ab=cd+tag', dir: ['example.test', 'srs0=ab=cd+tag'] },
      { name: 'local part ..', domain: 'example.test', localPart: '..' },
      { name: 'local part .', domain: 'example.test', localPart: '.' },
      { name: 'empty local part', domain: 'example.test', localPart: '' },
      { name: 'domain ..', domain: '..', localPart: 'x' },
      { name: 'empty domain', domain: '', localPart: 'x' },
      { name: 'very long', domain: 'example.test', localPart: 'ü'.repeat(60) },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const dsn = await deliverToMaildir({ mailRoot, domain: c.domain, localPart: c.localPart, rcpt: 'r@x', msg: spool(body), hostname: 'h' });
        assertContained();
        if (c.dir) {
          expect(dsn.action).toBe('delivered');
          const box = path.join(mailRoot, ...c.dir);
          expect(fs.readdirSync(path.join(box, 'new'))).toHaveLength(1);
          expect(walk(mailRoot).every((f) => f.startsWith(path.join(...c.dir!)))).toBe(true);
          expect(path.resolve(box).startsWith(path.resolve(mailRoot) + path.sep)).toBe(true);
        } else {
          expect(dsn).toMatchObject({ action: 'failed', status: '5.1.3' });
          expect(walk(mailRoot)).toEqual([]);
        }
      });
    }
  });
});

describe('helpers', () => {
  it('encodeComponent lowercases and escapes everything outside [a-z0-9._+=-]', () => {
    expect(encodeComponent('Bob.Smith+x=y_z-1')).toBe('bob.smith+x=y_z-1');
    expect(encodeComponent('a/b\\c:d')).toBe('a%2fb%5cc%3ad');
  });
  it('mailboxDir refuses . and ..', () => {
    expect('dsn' in mailboxDir('/m', 'example.test', '..')).toBe(true);
    expect('dsn' in mailboxDir('/m', '.', 'x')).toBe(true);
    expect(mailboxDir('/m', 'Example.Test.', 'Bob')).toEqual({ dir: path.resolve('/m/example.test/bob') });
  });
  it('maildirName escapes / and : in the host name', () => {
    const n = maildirName('mx/evil:host', 1_700_000_000_123.456);
    expect(n).toMatch(/^1700000000\.M123456P\d+Q\d+\.mx\\057evil\\072host$/);
    expect(n).not.toContain('/');
  });
});
