// maildir: final delivery of one recipient into <mailRoot>/<domain>/<local-part>/{tmp,new,cur}
// (Postfix virtual(8)/local(8) maildir delivery). Adds Return-Path and Delivered-To on top,
// then the spool file; fsync, rename tmp/ → new/, fsync new/ (maildir-io.mjs, in a worker thread).
// SECURITY: domain and local-part come from the network; they are encoded to a safe
// alphabet and the final path is checked to be inside mailRoot.
import path from 'node:path';
import type { DeliverableMessage, Dsn } from './types';
import { maildirWriter } from './maildir-writer';

export interface MaildirDelivery {
  mailRoot: string;
  domain: string;
  localPart: string;
  rcpt: string;
  msg: DeliverableMessage;
  hostname: string;
}

const NAME_MAX = 255;
let counter = 0;

/** Deliver one copy. Outcomes (including local faults) are values, never exceptions. */
export async function deliverToMaildir(o: MaildirDelivery): Promise<Dsn> {
  const box = mailboxDir(o.mailRoot, o.domain, o.localPart);
  if ('dsn' in box) return box.dsn;
  const top = `Return-Path: <${headerSafe(o.msg.sender)}>\r\nDelivered-To: ${headerSafe(o.rcpt)}\r\n`;
  const r = await maildirWriter().write({ box: box.dir, name: maildirName(o.hostname), top, spoolPath: o.msg.spoolPath });
  if (r.ok) return { action: 'delivered', status: '2.0.0', reason: 'delivered to maildir' };
  return failureDsn(r.code, r.message);
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

function failureDsn(code: string, msg: string): Dsn {
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
