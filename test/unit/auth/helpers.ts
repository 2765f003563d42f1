// Shared pieces for the auth tests: real keys made here, a lab zone through the engine's own zone
// resolver, messages built and signed with our signer (mailauth underneath).
import type { ZoneRecord } from '../../../engine/config/schema';
import { createZoneResolver } from '../../../engine/dns/zone';
import { dkimKeygen, signMessage, type DkimKeyPair, type DkimKeyType } from '../../../engine/auth';

const keyCache = new Map<string, DkimKeyPair>();

/** A key pair for domain/selector (cached per test file: RSA generation is slow). */
export function keyFor(domain: string, selector = 'sel1', type: DkimKeyType = 'rsa', bits = 2048): DkimKeyPair {
  const k = `${domain}/${selector}/${type}/${bits}`;
  let pair = keyCache.get(k);
  if (!pair) { pair = dkimKeygen(domain, selector, type, bits); keyCache.set(k, pair); }
  return pair;
}

/** Zone records publishing these keys (TXT split in 255-octet strings, as a real zone would). */
export function keyRecords(...keys: DkimKeyPair[]): Record<string, ZoneRecord> {
  return Object.fromEntries(keys.map((k) => [k.txtName, { TXT: [k.txtStrings] }]));
}

export function zone(records: Record<string, ZoneRecord>) {
  return createZoneResolver(records);
}

export interface MessageSpec {
  from?: string;
  to?: string;
  subject?: string;
  body?: string;
  extra?: string[];
}

export function message(m: MessageSpec = {}): Buffer {
  const lines = [
    ...(m.extra ?? []),
    `From: ${m.from ?? 'Bob <bob@example.org>'}`,
    `To: ${m.to ?? 'alice@example.com'}`,
    `Subject: ${m.subject ?? 'Lunch on Friday'}`,
    'Date: Tue, 21 Nov 2023 10:15:02 +0100',
    'Message-ID: <20231121101502.1@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${m.body ?? 'See you at noon.\r\n'}`);
}

/** Prepend a DKIM-Signature made with `key` to the message. */
export async function signed(msg: Buffer, key: DkimKeyPair, signTime = new Date(), expires?: Date): Promise<Buffer> {
  const s = await signMessage({ message: msg, domain: key.domain, selector: key.selector, privateKey: key.privateKeyPem, signTime, ...(expires ? { expires } : {}) });
  if (!s.ok) throw new Error(s.error);
  return Buffer.concat([Buffer.from(`${s.header}\r\n`), msg]);
}

export function prepend(msg: Buffer, ...headers: string[]): Buffer {
  return Buffer.concat([Buffer.from(headers.map((h) => `${h}\r\n`).join('')), msg]);
}

/** Replace the first occurrence of `from` by `to` in the message text. */
export function edit(msg: Buffer, from: string, to: string): Buffer {
  const s = msg.toString('latin1');
  if (!s.includes(from)) throw new Error(`edit: ${from} not in message`);
  return Buffer.from(s.replace(from, to), 'latin1');
}
