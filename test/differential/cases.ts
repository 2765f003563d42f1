// The differential corpus, table-driven: each case is one SMTP session. The runner sends
// EHLO probe, XCLIENT ADDR/NAME (to act as the client), then the steps; "DATA" sends a small body
// after a 354; a step starting with "PIPE " sends the rest, split on "|", in one write.
// real: connect from ip (a loopback address) instead of sending EHLO probe + XCLIENT.
export interface Case { id: string; profile: string; ip: string; name?: string; real?: boolean; steps: string[] }

const PUB = '192.0.2.50'; // a public client
const NET = '127.0.0.9'; // inside mynetworks (127.0.0.0/8)
const cases: Case[] = [];

function tx(id: string, profile: string, ip: string, helo: string | null, from: string | null, to: string[], o: { data?: boolean; name?: string; real?: boolean } = {}): void {
  const steps: string[] = [];
  if (helo !== null) steps.push(helo);
  if (from !== null) steps.push(`MAIL FROM:${from}`);
  for (const r of to) steps.push(`RCPT TO:${r}`);
  if (o.data) steps.push('DATA');
  cases.push({ id, profile, ip, ...(o.name ? { name: o.name } : {}), ...(o.real ? { real: true } : {}), steps });
}

// --- HELO syntax and helo_required (base = delay_reject yes, base_nd = no) ---
const HELOS: Array<[string, string]> = [
  ['ok', 'EHLO client.example.org'], ['helo-ok', 'HELO client.example.org'], ['nonfqdn', 'EHLO localhost'], ['nonfqdn-helo', 'HELO myhost'],
  ['underscore', 'EHLO bad_host.example'], ['bang', 'EHLO bad!host.example'], ['leading-dash', 'EHLO -foo.example'],
  ['double-dot', 'EHLO a..b.example'], ['trailing-dot', 'EHLO client.example.org.'], ['literal', 'EHLO [192.0.2.50]'],
  ['bad-literal', 'EHLO [300.1.1.1]'], ['bare-ip', 'EHLO 192.0.2.50'], ['numeric-tld', 'EHLO host.123'], ['empty', 'EHLO'],
  ['ipv6-literal', 'EHLO [IPv6:2001:db8::1]'], ['long-label', `EHLO ${'a'.repeat(64)}.example`],
];
for (const p of ['base', 'base_nd']) {
  for (const [n, h] of HELOS) {
    tx(`${p}/helo-${n}/public`, p, PUB, h, '<s@example.org>', ['<u@relaylab.test>']);
    tx(`${p}/helo-${n}/mynetworks`, p, NET, h, '<s@example.org>', ['<u@relaylab.test>']);
  }
  tx(`${p}/no-helo`, p, PUB, null, '<s@example.org>', ['<u@relaylab.test>']);
}

// --- sender/recipient FQDN, relay, routing tricks, postmaster (base) ---
const SENDERS: Array<[string, string]> = [
  ['fqdn', '<s@example.org>'], ['null', '<>'], ['bare', '<user>'], ['localhost', '<user@localhost>'], ['literal', '<user@[192.0.2.1]>'],
  ['trailing-dot', '<user@example.org.>'], ['no-brackets', 's@example.org'], ['source-route', '<@hop.example:s@example.org>'],
];
for (const p of ['base', 'base_nd']) for (const [n, s] of SENDERS) tx(`${p}/sender-${n}`, p, PUB, 'EHLO client.example.org', s, ['<u@relaylab.test>']);

const RCPTS: Array<[string, string]> = [
  ['local', '<u@relaylab.test>'], ['local-upper', '<U@RELAYLAB.TEST>'], ['remote', '<u@other.example>'], ['bare', '<user>'],
  ['localhost', '<u@localhost>'], ['postmaster-bare', '<postmaster>'], ['postmaster-upper', '<POSTMASTER>'], ['postmaster-local', '<postmaster@relaylab.test>'],
  ['postmaster-remote', '<postmaster@other.example>'], ['percent', '<u%other.example@relaylab.test>'], ['bang', '<other.example!u@relaylab.test>'],
  ['source-route', '<@relaylab.test:u@other.example>'], ['source-route-local', '<@other.example:u@relaylab.test>'], ['double-at', '<u@other.example@relaylab.test>'],
  ['quoted-at', '<"u@other.example"@relaylab.test>'], ['trailing-dot', '<u@relaylab.test.>'], ['literal-ours', '<u@[127.0.0.1]>'],
  ['subdomain', '<u@sub.relaylab.test>'], ['plus', '<u+tag@relaylab.test>'], ['empty', '<>'],
];
for (const [n, r] of RCPTS) {
  tx(`base/rcpt-${n}/public`, 'base', PUB, 'EHLO client.example.org', '<s@example.org>', [r]);
  tx(`base/rcpt-${n}/mynetworks`, 'base', NET, 'EHLO client.example.org', '<s@example.org>', [r]);
}
tx('base/multi-rcpt-mixed', 'base', PUB, 'EHLO client.example.org', '<s@example.org>', ['<a@relaylab.test>', '<b@other.example>', '<user>', '<c@relaylab.test>'], { data: true });
// --- address syntax as Postfix's smtpd parses it (strict_rfc821_envelopes=no) ---
const SENDER_SYNTAX: Array<[string, string]> = [
  ['missing', ''], ['unterminated', '<s@example.org'], ['phrase', '<Someone <s@example.org>>'], ['comment', '<s@example.org (comment)>'],
  ['two', '<s@example.org,t@example.org>'], ['bare-ip', '<s@192.0.2.1>'], ['bad-literal', '<s@[300.1.1.1]>'], ['v6-literal', '<s@[IPv6:2001:db8::1]>'],
  ['empty-domain', '<s@>'], ['bad-hyphen', '<s@-bad.example>'], ['size', '<s@example.org> SIZE=100'], ['quoted', '<"quoted"@example.org>'],
  ['space-before', ' <s@example.org>'], ['idn-no-utf8', '<s@bücher.example>'], ['glued-param', '<s@example.org>SIZE=1'],
];
for (const [n, s] of SENDER_SYNTAX) tx(`base/sender-syntax-${n}`, 'base', PUB, 'EHLO client.example.org', s, ['<u@relaylab.test>']);
const RCPT_SYNTAX: Array<[string, string]> = [
  ['inner-bad-domain', '<u@bad..example@relaylab.test>'], ['empty-local', '<@relaylab.test>'], ['bare-ip', '<u@192.0.2.1>'],
  ['two', '<a@relaylab.test,b@relaylab.test>'], ['literal-other', '<u@[127.0.0.2]>'], ['no-brackets', 'u@relaylab.test'],
  ['space-before', ' <u@relaylab.test>'], ['notify', '<u@relaylab.test> NOTIFY=SUCCESS,FAILURE'], ['percent-remote', '<u%relaylab.test@other.example>'],
  ['literal-ours-dot', '<u@[127.0.0.1].>'], ['unterminated', '<u@relaylab.test'], ['missing', ''],
];
for (const [n, r] of RCPT_SYNTAX) {
  tx(`base/rcpt-syntax-${n}/public`, 'base', PUB, 'EHLO client.example.org', '<s@example.org>', [r]);
  tx(`base/rcpt-syntax-${n}/mynetworks`, 'base', NET, 'EHLO client.example.org', '<s@example.org>', [r]);
}

tx('base/data-ok', 'base', PUB, 'EHLO client.example.org', '<s@example.org>', ['<u@relaylab.test>'], { data: true });
tx('base/data-no-rcpt', 'base', PUB, 'EHLO client.example.org', '<s@example.org>', ['<u@other.example>'], { data: true });
tx('base/rcpt-before-mail', 'base', PUB, 'EHLO client.example.org', null, ['<u@relaylab.test>']);
tx('base_nd/relay-public', 'base_nd', PUB, 'EHLO client.example.org', '<s@example.org>', ['<u@other.example>', '<u@relaylab.test>'], { data: true });
tx('base_nd/relay-mynetworks', 'base_nd', NET, 'EHLO client.example.org', '<s@example.org>', ['<u@other.example>'], { data: true });

// --- access tables: every action, at every stage, delay_reject yes and no ---
const CLIENTS = ['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14', '192.0.2.15', '192.0.2.16', '192.0.2.17', '192.0.2.18',
  '192.0.2.19', '192.0.2.20', '192.0.2.21', '192.0.2.22', '192.0.2.23', '192.0.2.24', '192.0.2.25', '192.0.2.26', '192.0.2.27', '192.0.2.28',
  '192.0.2.29', '192.0.2.30', '192.0.2.31', '192.0.2.32', '198.51.100.7'];
for (const p of ['access', 'access_nd']) {
  for (const ip of CLIENTS) {
    // A real connection from 127.0.2.N (same table action as 192.0.2.N): with delay_reject=no the
    // client list runs at connect, before any XCLIENT could change the client.
    const real = ip.replace(/^192\.0\.2\./, '127.0.2.').replace(/^198\.51\.100\./, '127.0.1.');
    tx(`${p}/client-${real}/real`, p, real, 'EHLO client.example.org', '<s@example.org>', ['<u@relaylab.test>', '<u@other.example>'], { data: true, real: true });
  }
  // The same through XCLIENT (Postfix re-runs smtpd_client_restrictions for the claimed client).
  for (const ip of ['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14', '192.0.2.18', '192.0.2.21', '192.0.2.22', '192.0.2.24', '192.0.2.28',
    '192.0.2.29', '192.0.2.30', '198.51.100.7']) {
    tx(`${p}/client-${ip}`, p, ip, 'EHLO client.example.org', '<s@example.org>', ['<u@relaylab.test>', '<u@other.example>'], { data: true });
  }
  tx(`${p}/client-name-parent`, p, PUB, 'EHLO client.example.org', '<s@example.org>', ['<u@relaylab.test>'], { name: 'mail.hostile.example' });
  tx(`${p}/client-name-exact-ok-relay`, p, PUB, 'EHLO client.example.org', '<s@example.org>', ['<u@other.example>'], { name: 'exact.example' });
}
// smtpd_helo_required=no: MAIL, RCPT and DATA with no HELO/EHLO at all (after XCLIENT, or on a
// real connection), and a refused HELO followed by MAIL.
for (const p of ['access', 'access_nd']) {
  tx(`${p}/no-helo`, p, PUB, null, '<s@example.org>', ['<u@relaylab.test>'], { data: true });
  tx(`${p}/no-helo/real`, p, '127.0.3.2', null, '<s@example.org>', ['<u@relaylab.test>'], { data: true, real: true });
  tx(`${p}/no-helo-dip-sender`, p, PUB, null, '<dip@example.org>', ['<u@relaylab.test>'], { data: true });
}
const HELO_KEYS = ['helo-reject', 'helo-defer', 'helo-ok', 'helo-warn', 'helo-num', 'helo-num4', 'helo-dunno', 'sub.parent', 'helo-class', 'helo-dip',
  'helo-dir', 'helo-hold', 'helo-discard', 'helo-prepend'];
for (const p of ['access', 'access_nd']) for (const h of HELO_KEYS) tx(`${p}/helo-${h}`, p, PUB, `HELO ${h}.example`, '<s@example.org>', ['<u@relaylab.test>'], { data: true });
// The same HELO checks on a real connection (no XCLIENT), to tell an XCLIENT effect from a HELO-stage one.
for (const h of ['helo-reject', 'helo-defer', 'helo-num', 'helo-dip']) tx(`access_nd/helo-${h}/real`, 'access_nd', '127.0.3.1', `HELO ${h}.example`, '<s@example.org>', ['<u@relaylab.test>'], { data: true, real: true });

const SENDER_KEYS = ['rejected@example.org', 'x@example.com', 'x@sub.example.com', 'deferred@example.org', 'dip@example.org', 'dir@example.org', 'dunno@example.com',
  'ok@example.com', 'num5@example.org', 'num4@example.org', 'num5nodsn@example.org', 'warn@example.org', 'hold@example.org', 'discard@example.org',
  'prepend@example.org', 'classy@example.org', 'permitc@example.org', 'plus+tag@example.org', 'partial@anywhere.example', '', 'x@dotted.example', 'x@a.dotted.example'];
for (const p of ['access', 'access_nd']) for (const s of SENDER_KEYS) tx(`${p}/sender-${s || 'null'}`, p, PUB, 'EHLO client.example.org', `<${s}>`, ['<u@relaylab.test>'], { data: true });

const RCPT_KEYS = ['blocked', 'deferred', 'dip', 'dir', 'num5', 'num4', 'num5nodsn', 'num4nodsn', 'warn', 'hold', 'discard', 'prepend', 'ok', 'dunno',
  'denyc', 'permitc', 'dipc', 'dirc', 'warnc', 'postmaster', 'spam-1', 'later-1', 'tagme-1', 'x-dunno', 'blocked+ext'];
for (const r of RCPT_KEYS) tx(`access/rcpt-${r}`, 'access', PUB, 'EHLO client.example.org', '<s@example.org>', [`<${r}@relaylab.test>`], { data: true });
tx('access/rcpt-postmaster-bare', 'access', PUB, 'EHLO client.example.org', '<s@example.org>', ['<postmaster>']);
tx('access/rcpt-other-domain-ok', 'access', PUB, 'EHLO client.example.org', '<s@example.org>', ['<u@other.example>']);
tx('access/rcpt-mixed', 'access', PUB, 'EHLO client.example.org', '<s@example.org>', ['<blocked@relaylab.test>', '<ok@relaylab.test>', '<deferred@relaylab.test>', '<u@relaylab.test>'], { data: true });
tx('access/client-ok-sender-reject', 'access', '192.0.2.10', 'EHLO client.example.org', '<rejected@example.org>', ['<u@relaylab.test>']);
tx('access/client-dip-rcpt-reject', 'access', '192.0.2.13', 'EHLO client.example.org', '<s@example.org>', ['<blocked@relaylab.test>']);
tx('access/client-dir-rcpt-reject', 'access', '192.0.2.14', 'EHLO client.example.org', '<s@example.org>', ['<blocked@relaylab.test>']);
tx('access/helo-ok-client-reject', 'access', '192.0.2.11', 'HELO helo-ok.example', '<s@example.org>', ['<u@relaylab.test>']);

// --- defer_if_permit / defer_if_reject / warn_if_reject (ifs, dipall) ---
const IFS: Array<[string, string, string]> = [
  ['dip-ok', 'dip@example.org', 'ok@relaylab.test'], ['dip-plain', 'dip@example.org', 'u@relaylab.test'], ['dip-blocked', 'dip@example.org', 'blocked@relaylab.test'],
  ['dir-blocked', 'dir@example.org', 'blocked@relaylab.test'], ['dir-plain', 'dir@example.org', 'u@relaylab.test'], ['dir-num5', 'dir@example.org', 'num5@relaylab.test'],
  ['dir-deferred', 'dir@example.org', 'deferred@relaylab.test'], ['plain-bare', 's@example.org', 'user'], ['dip-bare', 'dip@example.org', 'user'],
  ['plain-dipc', 's@example.org', 'dipc@relaylab.test'], ['plain-dirc', 's@example.org', 'dirc@relaylab.test'], ['plain-warnc', 's@example.org', 'warnc@relaylab.test'],
  ['dir-remote', 'dir@example.org', 'u@other.example'], ['dip-remote', 'dip@example.org', 'u@other.example'],
];
for (const [n, s, r] of IFS) tx(`ifs/${n}`, 'ifs', PUB, 'EHLO client.example.org', `<${s}>`, [`<${r}>`], { data: true });
for (const r of ['u@relaylab.test', 'ok@relaylab.test', 'blocked@relaylab.test', 'u@other.example']) {
  tx(`dipall/${r}/public`, 'dipall', PUB, 'EHLO client.example.org', '<s@example.org>', [`<${r}>`]);
  tx(`dipall/${r}/mynetworks`, 'dipall', NET, 'EHLO client.example.org', '<s@example.org>', [`<${r}>`]);
}

// --- defer_unauth_destination, reject_multi_recipient_bounce ---
tx('deferunauth/remote-public', 'deferunauth', PUB, 'EHLO client.example.org', '<s@example.org>', ['<u@other.example>', '<u@relaylab.test>'], { data: true });
tx('deferunauth/remote-mynetworks', 'deferunauth', NET, 'EHLO client.example.org', '<s@example.org>', ['<u@other.example>']);
tx('deferunauth/bounce-one', 'deferunauth', PUB, 'EHLO client.example.org', '<>', ['<u@relaylab.test>'], { data: true });
tx('deferunauth/bounce-two', 'deferunauth', PUB, 'EHLO client.example.org', '<>', ['<u@relaylab.test>', '<v@relaylab.test>', '<w@relaylab.test>'], { data: true });
tx('deferunauth/nonbounce-two', 'deferunauth', PUB, 'EHLO client.example.org', '<s@example.org>', ['<u@relaylab.test>', '<v@relaylab.test>'], { data: true });
tx('deferunauth/bounce-mynetworks-two', 'deferunauth', NET, 'EHLO client.example.org', '<>', ['<u@relaylab.test>', '<v@relaylab.test>']);

// --- reject_unauth_pipelining (smtpd_data_restrictions) ---
cases.push({ id: 'pipelining/helo-pipelined', profile: 'pipelining', ip: PUB, steps: ['HELO client.example.org', 'PIPE MAIL FROM:<s@example.org>|RCPT TO:<u@relaylab.test>|DATA'] });
cases.push({ id: 'pipelining/ehlo-pipelined', profile: 'pipelining', ip: PUB, steps: ['EHLO client.example.org', 'PIPE MAIL FROM:<s@example.org>|RCPT TO:<u@relaylab.test>|DATA'] });
cases.push({ id: 'pipelining/helo-lockstep', profile: 'pipelining', ip: PUB, steps: ['HELO client.example.org', 'MAIL FROM:<s@example.org>', 'RCPT TO:<u@relaylab.test>', 'DATA'] });

export const CASES: readonly Case[] = cases;
