// maildir: final delivery of one recipient into <mailRoot>/<domain>/<local-part>/{tmp,new,cur}
// (Postfix virtual(8)/local(8) maildir delivery). Adds Return-Path and Delivered-To on top,
// streams the spool file after them, fsyncs, renames tmp/ → new/, fsyncs new/.
// SECURITY: domain and local-part come from the network; they are encoded to a safe
// alphabet and the final path is checked to be inside mailRoot.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { DeliverableMessage, Dsn } from './types';
import { noteStreamedBytes } from '../util/memory';
import { fsyncDirShared } from '../store/fsync';

export interface MaildirDelivery {
  mailRoot: string;
  domain: string;
  localPart: string;
  rcpt: string;
  msg: DeliverableMessage;
  hostname: string;
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const NAME_MAX = 255;
let counter = 0;
/** Up to this size a message is copied in one read and one write. */
const SMALL = 256 * 1024;
/** Mailboxes whose tmp/new/cur exist (forgotten after any failure, so a removed one is re-created). */
const knownBoxes = new Set<string>();

/** Deliver one copy. Outcomes (including local faults) are values, never exceptions. */
export async function deliverToMaildir(o: MaildirDelivery): Promise<Dsn> {
  const box = mailboxDir(o.mailRoot, o.domain, o.localPart);
  if ('dsn' in box) return box.dsn;

  let tmpPath: string | undefined;
  try {
    if (!knownBoxes.has(box.dir)) {
      for (const sub of ['tmp', 'new', 'cur']) await fsp.mkdir(path.join(box.dir, sub), { recursive: true, mode: DIR_MODE });
      knownBoxes.add(box.dir);
    }

    const top = Buffer.from(`Return-Path: <${headerSafe(o.msg.sender)}>\r\nDelivered-To: ${headerSafe(o.rcpt)}\r\n`, 'utf8');
    const { fh, name, file } = await createUnique(path.join(box.dir, 'tmp'), o.hostname);
    tmpPath = file;
    let size: number;
    try {
      if (o.msg.size <= SMALL) {
        // Small messages (most mail): one read and one write, both from and to the page cache.
        await writeAll(fh, Buffer.concat([top, await fsp.readFile(o.msg.spoolPath)]));
      } else {
        await writeAll(fh, top);
        // the spool file may be tens of MB: stream it, never read it whole
        // (plain writes, not fh.createWriteStream: a FileHandle stream that does not auto-close keeps
        // the handle referenced, and fh.close() then never returns)
        for await (const chunk of fs.createReadStream(o.msg.spoolPath, { highWaterMark: 256 * 1024 })) {
          await writeAll(fh, chunk as Buffer);
          noteStreamedBytes((chunk as Buffer).length);
        }
      }
      await fh.sync();
      size = (await fh.stat()).size;
    } finally {
      await fh.close().catch(() => undefined);
    }

    const newDir = path.join(box.dir, 'new');
    await fsp.rename(file, path.join(newDir, `${name},S=${size}`));
    tmpPath = undefined;
    await fsyncDirShared(newDir); // concurrent deliveries to one mailbox share the fsync
    return { action: 'delivered', status: '2.0.0', reason: 'delivered to maildir' };
  } catch (err) {
    knownBoxes.delete(box.dir); // the next attempt re-creates the folders if they went away
    if (tmpPath) await fsp.rm(tmpPath, { force: true }).catch(() => undefined);
    return failureDsn(err);
  }
}

/**
 * The mailbox folder for domain + local-part, or a failed Dsn when the names cannot be made
 * into a safe path. Exported for tests and for tools that read the store.
 */
export function mailboxDir(mailRoot: string, domain: string, localPart: string): { dir: string } | { dsn: Dsn } {
  const d = encodeComponent(domain.replace(/\.$/, ''));
  const l = encodeComponent(localPart);
  for (const [what, v] of [['domain', d], ['local-part', l]] as const) {
    if (v === '' || v === '.' || v === '..') return { dsn: badMailbox(`${what} "${printable(what === 'domain' ? domain : localPart)}" is not a usable mailbox name`) };
    if (Buffer.byteLength(v) > NAME_MAX) return { dsn: badMailbox(`${what} is too long for a mailbox name`) };
  }
  const root = path.resolve(mailRoot);
  const dir = path.resolve(root, d, l);
  const rel = path.relative(root, dir);
  // belt and braces: the encoding above already makes escaping impossible
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) || rel.split(path.sep).length !== 2) {
    return { dsn: badMailbox('mailbox path would leave the mail store') };
  }
  return { dir };
}

/**
 * Lowercase, then keep [a-z0-9._+=-] and write every other UTF-8 byte as %xx ("%" itself too),
 * so "/", "\", NUL and non-ASCII can never reach the file system as themselves.
 */
export function encodeComponent(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s.toLowerCase(), 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /^[a-z0-9._+=-]$/.test(c) ? c : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Maildir unique name: <sec>.M<usec>P<pid>Q<n>.<host>, host with "/" and ":" escaped. */
export function maildirName(hostname: string, now = performance.timeOrigin + performance.now()): string {
  const sec = Math.floor(now / 1000);
  const usec = Math.floor((now % 1000) * 1000);
  const host = (hostname || 'localhost').replace(/\//g, '\\057').replace(/:/g, '\\072').replace(/[^\x21-\x7e]/g, '_');
  counter += 1;
  return `${sec}.M${usec}P${process.pid}Q${counter}.${host}`;
}

async function createUnique(tmpDir: string, hostname: string) {
  for (let attempt = 0; ; attempt++) {
    const name = maildirName(hostname);
    const file = path.join(tmpDir, name);
    try {
      const fh = await fsp.open(file, 'wx', FILE_MODE);
      return { fh, name, file };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
    }
  }
}

/** A write may be short (POSIX); loop until the whole buffer is on its way to disk. */
async function writeAll(fh: fsp.FileHandle, buf: Buffer): Promise<void> {
  for (let off = 0; off < buf.length; ) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    if (bytesWritten <= 0) throw Object.assign(new Error('short write to the mailbox file'), { code: 'EIO' });
    off += bytesWritten;
  }
}

function failureDsn(err: unknown): Dsn {
  const code = (err as NodeJS.ErrnoException)?.code;
  const msg = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'EDQUOT':
      return { action: 'delayed', status: '4.2.2', reason: `maildir delivery failed: mailbox over quota (${msg})` };
    case 'ENOSPC':
      return { action: 'delayed', status: '4.3.0', reason: `maildir delivery failed: no space left on device (${msg})` };
    case 'EIO':
      return { action: 'delayed', status: '4.3.0', reason: `maildir delivery failed: I/O error (${msg})` };
    default:
      return { action: 'delayed', status: '4.3.0', reason: `maildir delivery failed: ${msg}` };
  }
}

function badMailbox(why: string): Dsn {
  return { action: 'failed', status: '5.1.3', reason: `bad destination mailbox address: ${why}` };
}

/** Header values must stay on one line: drop CR, LF and NUL. */
function headerSafe(s: string): string {
  return s.replace(/[\r\n\0]/g, '');
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
