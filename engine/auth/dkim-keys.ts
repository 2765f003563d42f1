// DKIM keys: generate a pair and the TXT record to publish (RFC 6376 §3.6.1; Ed25519 per RFC
// 8463), keep them on disk the way opendkim-genkey does (<dir>/<domain>/<selector>.private, mode
// 0600, and <selector>.txt with the zone line), and find the key to sign a domain's mail with.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseAddresses } from './mailauth-lib';

export type DkimKeyType = 'rsa' | 'ed25519';

export interface DkimKeyRecord {
  domain: string;
  selector: string;
  type: DkimKeyType;
  /** Where the TXT record goes: <selector>._domainkey.<domain> */
  txtName: string;
  /** The record text, e.g. "v=DKIM1; k=rsa; p=MIIB..." */
  txtRecord: string;
  /** The same split into character-strings of at most 255 octets (RFC 1035 §3.3.14). */
  txtStrings: string[];
  /** A BIND master-file line. */
  zoneLine: string;
}

export interface DkimKeyPair extends DkimKeyRecord {
  privateKeyPem: string;
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

function checkName(what: string, name: string, multiLabel: boolean): string {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  const labels = n.split('.');
  if (!n || n.length > 253 || labels.some((l) => !LABEL.test(l)) || (multiLabel && labels.length < 2)) {
    throw new Error(`${what} ${JSON.stringify(name)} is not a valid ${multiLabel ? 'domain name' : 'selector'}`);
  }
  return n;
}

function chunks(s: string, n = 255): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}

/** The TXT record for a public key (any form node:crypto accepts). */
export function dkimTxtRecord(domain: string, selector: string, publicKey: crypto.KeyObject | string): DkimKeyRecord {
  const d = checkName('domain', domain, true);
  const s = checkName('selector', selector, false);
  const key = typeof publicKey === 'string' ? crypto.createPublicKey(publicKey) : publicKey.type === 'private' ? crypto.createPublicKey(publicKey) : publicKey;
  const type = key.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ed25519') throw new Error(`DKIM keys are RSA or Ed25519, not ${type}`);
  const der = key.export({ format: 'der', type: 'spki' });
  // RSA: p= is the SubjectPublicKeyInfo; Ed25519 (RFC 8463 §4.2): the raw 32-byte key.
  const p = (type === 'ed25519' ? der.subarray(der.length - 32) : der).toString('base64');
  const txtRecord = `v=DKIM1; k=${type}; p=${p}`;
  const txtStrings = chunks(txtRecord);
  const txtName = `${s}._domainkey.${d}`;
  return { domain: d, selector: s, type, txtName, txtRecord, txtStrings, zoneLine: `${txtName}. IN TXT ( ${txtStrings.map((x) => `"${x}"`).join(' ')} )` };
}

/** A new key pair (RSA 2048 by default) and its TXT record. */
export function dkimKeygen(domain: string, selector: string, type: DkimKeyType = 'rsa', bits = 2048): DkimKeyPair {
  if (type === 'rsa' && (!Number.isInteger(bits) || bits < 1024 || bits > 4096)) throw new Error(`RSA key size must be 1024..4096 bits, not ${bits}`);
  const pair = type === 'rsa'
    ? crypto.generateKeyPairSync('rsa', { modulusLength: bits })
    : crypto.generateKeyPairSync('ed25519');
  return { ...dkimTxtRecord(domain, selector, pair.publicKey), privateKeyPem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string };
}

export function dkimKeyPaths(dir: string, domain: string, selector: string): { keyFile: string; txtFile: string } {
  const d = checkName('domain', domain, true);
  const s = checkName('selector', selector, false);
  return { keyFile: path.join(dir, d, `${s}.private`), txtFile: path.join(dir, d, `${s}.txt`) };
}

/**
 * Generate a key and write it under dir: <dir>/<domain>/<selector>.private (0600) and
 * <selector>.txt (the zone line). Refuses to replace an existing key unless `force`.
 */
export function writeDkimKey(dir: string, domain: string, selector: string, type: DkimKeyType = 'rsa', opts: { force?: boolean; bits?: number } = {}): DkimKeyPair & { keyFile: string; txtFile: string } {
  const { keyFile, txtFile } = dkimKeyPaths(dir, domain, selector);
  if (!opts.force && fs.existsSync(keyFile)) throw new Error(`${keyFile} exists; remove it or choose another selector`);
  const pair = dkimKeygen(domain, selector, type, opts.bits);
  fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  const tmp = `${keyFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, pair.privateKeyPem, { mode: 0o600 });
  fs.renameSync(tmp, keyFile);
  fs.writeFileSync(txtFile, `${pair.zoneLine}\n`, { mode: 0o644 });
  return { ...pair, keyFile, txtFile };
}

export interface SigningKey {
  domain: string;
  selector: string;
  privateKeyPem: string;
  type: DkimKeyType;
  keyFile: string;
}

/**
 * The key to sign mail from `fromDomain`: <dir>/<domain>/*.private for the domain itself, else for
 * its parent domains (d= may be a parent: relaxed alignment). Several selectors: the newest file.
 * Unreadable or malformed key files are skipped. This runs for every message from our own users,
 * so a folder's listing is kept while the folder's mtime stays the same (one stat instead of a
 * listing), and for at most KEY_LISTING_TTL_MS (a key file rewritten in place is seen after that);
 * a key file is parsed again only when its mtime changes.
 */
export function findSigningKey(dir: string, fromDomain: string): SigningKey | undefined {
  const now = Date.now();
  const labels = fromDomain.trim().toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i <= labels.length - 2; i++) {
    const domain = labels.slice(i).join('.');
    const folder = path.join(dir, domain);
    for (const f of keyFiles(folder, now)) {
      const key = readKey(domain, path.join(folder, f.name), f);
      if (key) return key;
    }
  }
  return undefined;
}

const KEY_LISTING_TTL_MS = 1000;
const listings = new Map<string, { at: number; dirMtime: number; files: KeyFileInfo[] }>();
const parsedKeys = new Map<string, { mtime: number; key: SigningKey | null }>();
interface KeyFileInfo { name: string; mtime: number }

/** The *.private files of a folder, newest first ([] when the folder does not exist). */
function keyFiles(folder: string, now: number): KeyFileInfo[] {
  const dirMtime = mtimeOf(folder);
  const cached = listings.get(folder);
  if (cached && cached.dirMtime === dirMtime && now - cached.at < KEY_LISTING_TTL_MS && now >= cached.at) return cached.files;
  const files = dirMtime < 0 ? [] : listKeyFiles(folder);
  if (listings.size > 10_000) listings.clear(); // bounded: From domains come from the network
  listings.set(folder, { at: now, dirMtime, files });
  return files;
}

function mtimeOf(p: string): number {
  try { return fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? -1; } catch { return -1; }
}

function listKeyFiles(folder: string): KeyFileInfo[] {
  try {
    return fs.readdirSync(folder).filter((f) => f.endsWith('.private'))
      .map((name) => ({ name, mtime: fs.statSync(path.join(folder, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

/** The key in one file (parsed once per file version), or null when it is not a usable key. */
function readKey(domain: string, keyFile: string, f: KeyFileInfo): SigningKey | null {
  const cached = parsedKeys.get(keyFile);
  if (cached && cached.mtime === f.mtime) return cached.key;
  let key: SigningKey | null = null;
  try {
    const pem = fs.readFileSync(keyFile, 'utf8');
    const type = crypto.createPrivateKey(pem).asymmetricKeyType;
    if (type === 'rsa' || type === 'ed25519') key = { domain, selector: f.name.slice(0, -'.private'.length), privateKeyPem: pem, type, keyFile };
  } catch {
    key = null;
  }
  parsedKeys.set(keyFile, { mtime: f.mtime, key });
  return key;
}

/**
 * The domain to sign for, from a From: header value ("Bob <bob@example.org>"): the domain of its
 * single address, or undefined when there is no address or there are several (we do not sign those).
 */
export function fromHeaderDomain(value: string): string | undefined {
  const addresses = parseAddresses(value);
  if (addresses.length !== 1) return undefined;
  const a = addresses[0] as string;
  const d = a.slice(a.lastIndexOf('@') + 1).trim().toLowerCase().replace(/\.$/, '');
  return a.includes('@') && d ? d : undefined;
}
