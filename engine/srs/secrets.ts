// The SRS secret file (postsrsd's secrets file): one secret per line, the first signs, all verify.
// Created on first use in the data dir with a random secret, mode 0600. Lines starting with '#'
// and empty lines are ignored, so a user can add a new first line to rotate and keep the old one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SRS_SECRET_FILE = 'srs.secret';

export function parseSrsSecrets(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** The secrets in <dataDir>/srs.secret (or `file`, relative to dataDir), created with one random secret when missing. */
export function loadSrsSecrets(dataDir: string, file = SRS_SECRET_FILE): string[] {
  const p = path.resolve(dataDir, file);
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(p, `${crypto.randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create the SRS secret file ${p}: ${(e as Error).message}`);
  }
  const secrets = parseSrsSecrets(fs.readFileSync(p, 'utf8'));
  if (secrets.length === 0) throw new Error(`${p} has no secret (one per line; the first signs)`);
  return secrets;
}
