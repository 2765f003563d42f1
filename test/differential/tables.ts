// The lookup tables both servers read (the same files: texthash: and regexp: are read the same way
// by Postfix 3.7 and Relay Lab), the restriction classes, and the profiles: one restriction setup
// each, expressed once and turned into Postfix smtpd -o overrides and a Relay Lab policy block.
import fs from 'node:fs';
import path from 'node:path';

const BASE_TABLES = {
  client_access: [
    '192.0.2.10 OK', '192.0.2.11 REJECT client refused here', '192.0.2.12 DEFER client deferred',
    '192.0.2.13 DEFER_IF_PERMIT client maybe', '192.0.2.14 DEFER_IF_REJECT client maybe not', '192.0.2.15 DUNNO',
    '192.0.2.16 550 5.7.9 numeric with dsn', '192.0.2.17 451 numeric without dsn', '192.0.2.18 WARN watch this client',
    '192.0.2.19 HOLD client held', '192.0.2.20 DISCARD client discarded', '192.0.2.21 PREPEND X-Client-Tag: yes',
    '192.0.2.22 deny_class', '192.0.2.23 permit_class', '192.0.2.24 dip_class', '192.0.2.25 dir_class',
    '192.0.2.26 554 five without dsn', '192.0.2.27 450 4.7.9 four with dsn', '192.0.2.28 421 4.7.0 closing now',
    '192.0.2.29 REJECT', '192.0.2.30 DEFER', '192.0.2.31 550 5.1.1 odd dsn for a client', '192.0.2.32 warn_class',
    '198.51.100 REJECT whole network refused', '127.0.1 REJECT loopback network refused', 'hostile.example REJECT hostile domain', 'exact.example OK',
  ],
  helo_access: [
    'helo-reject.example REJECT bad helo', 'helo-defer.example DEFER', 'helo-ok.example OK', 'helo-warn.example WARN helo watched',
    'helo-num.example 550 5.7.1 helo numeric', 'helo-num4.example 450 helo numeric four', 'helo-dunno.example DUNNO',
    'parent.example REJECT parent helo', 'helo-class.example deny_class', 'helo-dip.example DEFER_IF_PERMIT',
    'helo-dir.example DEFER_IF_REJECT', 'helo-hold.example HOLD', 'helo-discard.example DISCARD', 'helo-prepend.example PREPEND X-Helo: tagged',
  ],
  sender_access: [
    'rejected@example.org REJECT sender refused', 'example.com REJECT domain refused', 'deferred@example.org DEFER',
    'dip@example.org DEFER_IF_PERMIT', 'dir@example.org DEFER_IF_REJECT', 'dunno@example.com DUNNO', 'ok@example.com OK',
    'num5@example.org 553 5.1.8 bad sender numeric', 'num4@example.org 450 sender numeric four', 'num5nodsn@example.org 550 sender numeric no dsn',
    'warn@example.org WARN watched sender', 'hold@example.org HOLD', 'discard@example.org DISCARD', 'prepend@example.org PREPEND X-Sender-Tag: yes',
    'classy@example.org deny_class', 'permitc@example.org permit_class', 'plus@example.org REJECT plus base', 'partial@ REJECT localpart anywhere',
    '<> REJECT null sender refused', '.dotted.example REJECT dotted form',
  ],
  rcpt_access: [
    'blocked@relaylab.test REJECT', 'deferred@relaylab.test DEFER mailbox busy', 'dip@relaylab.test DEFER_IF_PERMIT', 'dir@relaylab.test DEFER_IF_REJECT',
    'num5@relaylab.test 550 5.1.1 no such user here', 'num4@relaylab.test 452 4.2.2 mailbox full', 'num5nodsn@relaylab.test 550 no dsn here',
    'num4nodsn@relaylab.test 450 no dsn four', 'warn@relaylab.test WARN', 'hold@relaylab.test HOLD', 'discard@relaylab.test DISCARD',
    'prepend@relaylab.test PREPEND X-Rcpt-Tag: yes', 'ok@relaylab.test OK', 'dunno@relaylab.test DUNNO', 'denyc@relaylab.test deny_class',
    'permitc@relaylab.test permit_class', 'dipc@relaylab.test dip_class', 'dirc@relaylab.test dir_class', 'warnc@relaylab.test warn_class',
    'postmaster@relaylab.test REJECT postmaster blocked', 'other.example OK',
  ],
  rcpt_regexp: [
    '/^spam-.*@relaylab\\.test$/ REJECT regexp refused', '/^later-/ 450 4.2.1 regexp later', '/^tagme-/ PREPEND X-Regexp: hit', '/-dunno@/ DUNNO',
  ],
};

// The same client actions on loopback addresses (127.0.2.N for 192.0.2.N), for sessions that connect
// from that address for real instead of claiming it with XCLIENT.
export const TABLES: Record<string, string[]> = {
  ...BASE_TABLES,
  client_access: [...BASE_TABLES.client_access, ...BASE_TABLES.client_access.filter((l) => l.startsWith('192.0.2.')).map((l) => l.replace('192.0.2.', '127.0.2.'))],
};

export const CLASSES: Record<string, string[]> = {
  deny_class: ['reject'],
  permit_class: ['permit'],
  dip_class: ['defer_if_permit', 'permit'],
  dir_class: ['defer_if_reject', 'reject'],
  warn_class: ['warn_if_reject', 'reject', 'permit'],
};

export interface Profile {
  delay: boolean; heloRequired: boolean;
  client: string[]; helo: string[]; sender: string[]; relay: string[]; recipient: string[]; data: string[];
}

const HELO_STD = ['permit_mynetworks', 'reject_invalid_helo_hostname', 'reject_non_fqdn_helo_hostname'];
const RELAY_STD = ['permit_mynetworks', 'reject_unauth_destination'];
const none: string[] = [];

export function profiles(t: (name: string) => string): Record<string, Profile> {
  const access = { client: [`check_client_access texthash:${t('client_access')}`], helo: [`check_helo_access texthash:${t('helo_access')}`],
    sender: [`check_sender_access texthash:${t('sender_access')}`], relay: RELAY_STD,
    recipient: [`check_recipient_access texthash:${t('rcpt_access')}`, `check_recipient_access regexp:${t('rcpt_regexp')}`], data: none };
  const base = { client: none, helo: HELO_STD, sender: ['reject_non_fqdn_sender'], relay: RELAY_STD, recipient: ['reject_non_fqdn_recipient'], data: none };
  return {
    base: { delay: true, heloRequired: true, ...base },
    base_nd: { delay: false, heloRequired: true, ...base },
    access: { delay: true, heloRequired: false, ...access },
    access_nd: { delay: false, heloRequired: false, ...access },
    deferunauth: { delay: true, heloRequired: false, client: none, helo: none, sender: none,
      relay: ['permit_mynetworks', 'defer_unauth_destination'], recipient: ['reject_multi_recipient_bounce'], data: none },
    ifs: { delay: true, heloRequired: false, client: none, helo: none, sender: [`check_sender_access texthash:${t('sender_access')}`],
      relay: RELAY_STD, recipient: ['warn_if_reject', 'reject_non_fqdn_recipient', `check_recipient_access texthash:${t('rcpt_access')}`], data: none },
    dipall: { delay: true, heloRequired: false, client: none, helo: none, sender: none,
      relay: ['reject_unauth_destination'], recipient: [`check_recipient_access texthash:${t('rcpt_access')}`, 'defer_if_permit'], data: none },
    pipelining: { delay: true, heloRequired: false, client: none, helo: none, sender: none, relay: RELAY_STD, recipient: none,
      data: ['reject_unauth_pipelining'] },
  };
}

export function writeTables(dir: string): (name: string) => string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, lines] of Object.entries(TABLES)) fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
  return (name) => path.join(dir, name);
}

/** smtpd -o overrides for one profile. */
export function postfixOverrides(p: Profile): Record<string, string> {
  return {
    smtpd_delay_reject: p.delay ? 'yes' : 'no', smtpd_helo_required: p.heloRequired ? 'yes' : 'no',
    smtpd_client_restrictions: p.client.join(', '), smtpd_helo_restrictions: p.helo.join(', '),
    smtpd_sender_restrictions: p.sender.join(', '), smtpd_relay_restrictions: p.relay.join(', '),
    smtpd_recipient_restrictions: p.recipient.join(', '), smtpd_data_restrictions: p.data.join(', '),
  };
}

/** The Relay Lab policy block for one profile. */
export function relaylabPolicy(p: Profile): Record<string, unknown> {
  return { helo_required: p.heloRequired, delay_reject: p.delay, client: p.client, helo: p.helo, sender: p.sender,
    relay: p.relay, recipient: p.recipient, data: p.data, restriction_classes: CLASSES };
}
