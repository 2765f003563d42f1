// The differential corpus, table-driven: each case is one SMTP session. The runner sends
// EHLO probe, XCLIENT ADDR/NAME (to act as the client), then the steps; "DATA" sends a small body
// after a 354; a step starting with "PIPE " sends the rest, split on "|", in one write.
// real: connect from ip (a loopback address) instead of sending EHLO probe + XCLIENT.
// xclient: more attributes for that XCLIENT (HELO=, PROTO=). exact: 4xx/5xx texts must agree too.
export interface Case { id: string; profile: string; ip: string; name?: string; real?: boolean; xclient?: string; exact?: boolean; steps: string[] }

const PUB = '192.0.2.50'; // a public client
const NET = '127.0.0.9'; // inside mynetworks (127.0.0.0/8)
const cases: Case[] = [];

interface TxOptions { data?: boolean; name?: string; real?: boolean; xclient?: string; exact?: boolean }
function tx(id: string, profile: string, ip: string, helo: string | null, from: string | null, to: string[], o: TxOptions = {}): void {
  const steps: string[] = [];
  if (helo !== null) steps.push(helo);
  if (from !== null) steps.push(`MAIL FROM:${from}`);
  for (const r of to) steps.push(`RCPT TO:${r}`);
  if (o.data) steps.push('DATA');
  cases.push({ id, profile, ip, ...(o.name ? { name: o.name } : {}), ...(o.real ? { real: true } : {}), ...(o.xclient ? { xclient: o.xclient } : {}),
    ...(o.exact ? { exact: true } : {}), steps });
}

// --- HELO syntax and helo_required (base = delay_reject yes, base_nd = no) ---
const HELOS: Array<[string, string]> = [
  ['ok', 'EHLO client.example.org'], ['helo-ok', 'HELO client.example.org'], ['nonfqdn', 'EHLO localhost'], ['nonfqdn-helo', 'HELO myhost'],
  ['underscore', 'EHLO bad_host.example'], ['bang', 'EHLO bad!host.example'], ['leading-dash', 'EHLO -foo.example'],
  ['double-dot', 'EHLO a..b.example'], ['trailing-dot', 'EHLO client.example.org.'], ['literal', 'EHLO [192.0.2.50]'],
  ['bad-literal', 'EHLO [300.1.1.1]'], ['bare-ip', 'EHLO 192.0.2.50'], ['numeric-tld', 'EHLO host.123'], ['empty', 'EHLO'],
  ['ipv6-literal', 'EHLO [IPv6:2001:db8::1]'], ['long-label', `EHLO ${'a'.repeat(64)}.example`],
  // The name Postfix keeps: case as given, " <>()\\\";@" shown as "?", more words joined by a space.
  ['mixed-case', 'EHLO LocalHost'], ['at-sign', 'EHLO a@b'], ['two-words', 'EHLO local host'], ['helo-two-words', 'HELO a@b c'],
  ['helo-empty', 'HELO'], ['angle', 'EHLO <x.example>'], ['quoted', 'EHLO "a b".example'],
];
for (const p of ['base', 'base_nd']) {
  for (const [n, h] of HELOS) {
    tx(`${p}/helo-${n}/public`, p, PUB, h, '<s@example.org>', ['<u@relaylab.test>'], { exact: true });
    tx(`${p}/helo-${n}/mynetworks`, p, NET, h, '<s@example.org>', ['<u@relaylab.test>'], { exact: true });
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
for (const p of ['access', 'access_nd']) tx(`${p}/helo-mixed-case`, p, PUB, 'EHLO HELO-Reject.Example', '<s@example.org>', ['<u@relaylab.test>'], { exact: true });
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
// HELO after EHLO: the session stays ESMTP in Postfix (helo_cmd keeps an ESMTP protocol), so pipelining is still allowed.
cases.push({ id: 'pipelining/ehlo-then-helo-pipelined', profile: 'pipelining', ip: PUB, steps: ['EHLO client.example.org', 'HELO client.example.org', 'PIPE MAIL FROM:<s@example.org>|RCPT TO:<u@relaylab.test>|DATA'] });

// --- ESMTP parameters (Postfix mail_cmd/rcpt_cmd): which it knows, bad values, the order of checks ---
const MAIL_PARAMS: Array<[string, string]> = [
  ['unknown', 'FOO=bar'], ['unknown-bare', 'FOO'], ['xverp', 'XVERP'], ['requiretls', 'REQUIRETLS'], ['size-bare', 'SIZE'],
  ['size-abc', 'SIZE=abc'], ['size-empty', 'SIZE='], ['size-xtext', 'SIZE=1+30'], ['size-over-limit', 'SIZE=99999999999'],
  ['size-overflow', 'SIZE=99999999999999999999999'], ['size-leading-zeros', 'size=000000000000000000000000100'], ['size-twice', 'SIZE=1 SIZE=2'],
  ['body-foo', 'BODY=foo'], ['body-binarymime', 'BODY=BINARYMIME'], ['body-8bitmime', 'body=8bitmime'], ['body-7bit', 'BODY=7BIT'],
  ['body-bare', 'BODY'], ['smtputf8-value', 'SMTPUTF8=yes'], ['smtputf8-twice', 'SMTPUTF8 smtputf8'], ['ret-bad', 'RET=foo'],
  ['ret-hdrs', 'ret=hdrs'], ['ret-twice', 'RET=FULL RET=HDRS'], ['ret-empty', 'RET='], ['envid-empty', 'ENVID='], ['envid-bad-xtext', 'ENVID=a+2'],
  ['envid-ok', 'ENVID=x+2By'], ['envid-control', 'ENVID=a+0Db'], ['envid-twice', 'ENVID=a ENVID=b'], ['auth-null-twice', 'AUTH=<> AUTH=<>'],
  ['auth-twice', 'AUTH=<a@example.org> AUTH=<b@example.org>'], ['auth-empty', 'AUTH='], ['bracket-word', '<x>'], ['no-key', '=x'],
  ['unknown-then-bad', 'FOO SIZE=abc'], ['bad-then-unknown', 'SIZE=abc FOO'], ['all-known', 'SIZE=100 BODY=8BITMIME SMTPUTF8 RET=FULL ENVID=e1 AUTH=<>'],
];
for (const [n, p] of MAIL_PARAMS) tx(`base/mail-param-${n}`, 'base', PUB, 'EHLO client.example.org', `<s@example.org> ${p}`, ['<u@relaylab.test>'], { exact: true });
tx('base/mail-param-bad-address-first', 'base', PUB, 'EHLO client.example.org', '<s@-bad.example> FOO', ['<u@relaylab.test>'], { exact: true });
tx('base/mail-param-smtputf8-value-idn', 'base', PUB, 'EHLO client.example.org', '<s@bücher.example> SMTPUTF8=x', ['<u@relaylab.test>'], { exact: true });
const RCPT_PARAMS: Array<[string, string]> = [
  ['unknown', 'FOO'], ['size', 'SIZE=1'], ['body', 'BODY=8BITMIME'], ['notify-bad', 'NOTIFY=foo'], ['notify-never-and', 'NOTIFY=NEVER,SUCCESS'],
  ['notify-empty', 'NOTIFY='], ['notify-bare', 'NOTIFY'], ['notify-twice', 'NOTIFY=DELAY NOTIFY=DELAY'], ['notify-empty-items', 'NOTIFY=success,,delay'],
  ['notify-never', 'notify=never'], ['orcpt-no-type', 'ORCPT=rfc822'], ['orcpt-empty-type', 'ORCPT=;u@relaylab.test'], ['orcpt-empty-address', 'ORCPT=rfc822;'],
  ['orcpt-bad-xtext', 'ORCPT=rfc822;a+zz'], ['orcpt-bad-utf8', 'ORCPT=utf-8;a\\x{zz}'], ['orcpt-utf8', 'ORCPT=utf-8;a\\x{41}b'],
  ['orcpt-twice', 'ORCPT=rfc822;a@b ORCPT=rfc822;c@d'], ['dsn-ok', 'NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;u+40relaylab.test'],
];
for (const [n, p] of RCPT_PARAMS) tx(`base/rcpt-param-${n}`, 'base', PUB, 'EHLO client.example.org', '<s@example.org>', [`<u@relaylab.test> ${p}`], { data: true, exact: true });
tx('base/rcpt-param-bad-address-first', 'base', PUB, 'EHLO client.example.org', '<s@example.org>', ['<@> FOO'], { exact: true });
// After HELO (not EHLO), and with no HELO at all: Postfix reads the parameters the same way.
tx('base/mail-params-after-helo', 'base', PUB, 'HELO client.example.org', '<s@example.org> SIZE=100 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=e1',
  ['<u@relaylab.test> NOTIFY=SUCCESS ORCPT=rfc822;u@relaylab.test'], { data: true, exact: true });
tx('base/mail-param-unknown-after-helo', 'base', PUB, 'HELO client.example.org', '<s@example.org> FOO', ['<u@relaylab.test>'], { exact: true });
tx('base/rcpt-param-unknown-after-helo', 'base', PUB, 'HELO client.example.org', '<s@example.org>', ['<u@relaylab.test> FOO'], { exact: true });
tx('access/no-helo-params', 'access', PUB, null, '<s@example.org> SIZE=100 BODY=7BIT', ['<u@relaylab.test> NOTIFY=NEVER'], { data: true, exact: true });
tx('access/no-helo-param-unknown', 'access', PUB, null, '<s@example.org> XVERP', ['<u@relaylab.test>'], { exact: true });
// Postfix keeps SIZE= and AUTH= from a failed MAIL until its mail_reset (RSET, HELO/EHLO, a MAIL
// refused by the sender restrictions): a later MAIL without SIZE gets 552, a later AUTH= 503.
const M = 'MAIL FROM:<s@example.org>';
const sticky = (id: string, profile: string, steps: string[]) => cases.push({ id, profile, ip: PUB, exact: true, steps });
sticky('base/mail-sticky-size', 'base', ['EHLO client.example.org', `${M} SIZE=99999999999 FOO`, M, 'RSET', M, 'RCPT TO:<u@relaylab.test>']);
sticky('base/mail-sticky-size-ehlo', 'base', ['EHLO client.example.org', `${M} SIZE=99999999999`, M, 'EHLO client.example.org', M]);
sticky('base/mail-sticky-auth', 'base', ['EHLO client.example.org', `${M} AUTH=<a@example.org> BODY=x`, `${M} BODY=8BITMIME AUTH=<c@example.org>`,
  `${M} FOO AUTH=<c@example.org>`, 'HELO client.example.org', `${M} AUTH=<c@example.org>`, 'RCPT TO:<u@relaylab.test>']);
sticky('base_nd/mail-sticky-size-before-sender-check', 'base_nd', ['EHLO client.example.org', 'MAIL FROM:<s@localhost> SIZE=99999999999',
  'MAIL FROM:<s@localhost> AUTH=<x@example.org>', `${M} AUTH=<y@example.org>`]);
sticky('base_nd/mail-sticky-reset-by-sender-reject', 'base_nd', ['EHLO client.example.org', 'MAIL FROM:<s@localhost> AUTH=<x@example.org>',
  `${M} AUTH=<y@example.org>`, 'RCPT TO:<u@relaylab.test>']);

// --- XCLIENT HELO= and PROTO= (Postfix xclient_cmd): the claimed HELO is the session's HELO name ---
// delay_reject=yes: the HELO list judges it at RCPT; delay_reject=no: the HELO list never runs for it.
const XHELOS: Array<[string, string]> = [
  ['fqdn', 'client.example.org'], ['nonfqdn', 'localhost'], ['neutered', 'a@b'], ['xtext-space', 'a+20b'], ['underscore', 'bad_host.example'],
  ['literal', '[192.0.2.50]'], ['bare-ip', '192.0.2.50'], ['unavailable', '[UNAVAILABLE]'], ['tempunavail', '[TEMPUNAVAIL]'],
];
for (const p of ['base', 'base_nd']) {
  for (const [n, h] of XHELOS) {
    tx(`${p}/xclient-helo-${n}/public`, p, PUB, null, '<s@example.org>', ['<u@relaylab.test>'], { data: true, xclient: `HELO=${h}`, exact: true });
    tx(`${p}/xclient-helo-${n}/mynetworks`, p, NET, null, '<s@example.org>', ['<u@relaylab.test>'], { xclient: `HELO=${h}`, exact: true });
  }
  tx(`${p}/xclient-no-helo`, p, PUB, null, '<s@example.org>', ['<u@relaylab.test>'], { exact: true });
  tx(`${p}/xclient-helo-then-ehlo`, p, PUB, 'EHLO localhost', '<s@example.org>', ['<u@relaylab.test>'], { xclient: 'HELO=client.example.org', exact: true });
  tx(`${p}/xclient-helo-then-refused-helo`, p, PUB, 'HELO bad!host', '<s@example.org>', ['<u@relaylab.test>'], { xclient: 'HELO=client.example.org', exact: true });
}
for (const p of ['access', 'access_nd']) {
  for (const h of ['helo-reject', 'helo-defer', 'helo-ok', 'helo-num', 'helo-num4', 'helo-dip', 'helo-dir', 'sub.parent', 'helo-class', 'helo-discard']) {
    tx(`${p}/xclient-helo-${h}`, p, PUB, null, '<s@example.org>', ['<u@relaylab.test>', '<u@other.example>'], { data: true, xclient: `HELO=${h}.example`, exact: true });
  }
  tx(`${p}/xclient-helo-dip-client-dir`, p, '192.0.2.14', null, '<s@example.org>', ['<u@relaylab.test>'], { xclient: 'HELO=helo-dip.example', exact: true });
  tx(`${p}/xclient-helo-ok-client-reject`, p, '192.0.2.11', null, '<s@example.org>', ['<u@relaylab.test>'], { xclient: 'HELO=helo-ok.example', exact: true });
  // XCLIENT without HELO= forgets the HELO from before; with HELO= it replaces it (no ADDR= here).
  const L = '127.0.0.1';
  cases.push({ id: `${p}/xclient-forgets-helo`, profile: p, ip: L, real: true, exact: true,
    steps: ['EHLO helo-reject.example', 'XCLIENT NAME=foo.example', M, 'RCPT TO:<u@relaylab.test>'] });
  cases.push({ id: `${p}/xclient-replaces-helo`, profile: p, ip: L, real: true, exact: true,
    steps: ['EHLO helo-ok.example', 'XCLIENT NAME=foo.example HELO=helo-defer.example', M, 'RCPT TO:<u@relaylab.test>'] });
}
// PROTO=: an XCLIENT session is SMTP unless PROTO=ESMTP, and only ESMTP may pipeline MAIL/RCPT.
for (const [n, x] of [['default', 'HELO=client.example.org'], ['esmtp', 'HELO=client.example.org PROTO=ESMTP'], ['smtp', 'HELO=client.example.org PROTO=SMTP'],
  ['esmtp-lower', 'HELO=client.example.org PROTO=esmtp'], ['esmtp-no-helo', 'PROTO=ESMTP']] as const) {
  cases.push({ id: `pipelining/xclient-proto-${n}`, profile: 'pipelining', ip: PUB, xclient: x, exact: true,
    steps: ['PIPE MAIL FROM:<s@example.org>|RCPT TO:<u@relaylab.test>|DATA'] });
}
// XCLIENT's own checks and replies, from the authorized proxy (a real connection from 127.0.0.1).
cases.push({ id: 'access/xclient-syntax', profile: 'access', ip: '127.0.0.1', real: true, exact: true, steps: [
  'EHLO probe.relaylab.test', 'XCLIENT', 'XCLIENT FOO=bar', 'XCLIENT NAME', 'XCLIENT NAME=', 'XCLIENT NAME=bad!name', 'XCLIENT NAME=a+01b',
  'XCLIENT ADDR=300.1.1.1', 'XCLIENT ADDR=a@b', 'XCLIENT PORT=123456', 'XCLIENT PORT=x', 'XCLIENT PROTO=FOO', 'XCLIENT PROTO=LMTP', 'XCLIENT HELO=',
  'XCLIENT DESTADDR=x', 'XCLIENT DESTPORT=999999', `XCLIENT HELO=${'a'.repeat(256)}`, 'XCLIENT BAD=1 NAME', 'XCLIENT DESTADDR=127.0.0.1 DESTPORT=25',
  'XCLIENT REVERSE_NAME=x.example', 'XCLIENT LOGIN=[UNAVAILABLE]', 'XCLIENT PORT=[UNAVAILABLE] NAME=[TEMPUNAVAIL]', 'EHLO a.example', M,
  'XCLIENT NAME=x.example', 'RSET', 'XCLIENT ADDR=192.0.2.60', 'XCLIENT NAME=y.example'] });
cases.push({ id: 'base/xclient-addr-unavailable', profile: 'base', ip: '127.0.0.1', real: true, exact: true, steps: [
  'HELO x.example', 'XCLIENT ADDR=[UNAVAILABLE]', M, 'XCLIENT NAME=x.example'] });
cases.push({ id: 'base/xclient-from-public', profile: 'base', ip: PUB, exact: true, steps: ['XCLIENT HELO=x.example', 'XCLIENT', 'EHLO client.example.org', M, 'XCLIENT HELO=y.example'] });

export const CASES: readonly Case[] = cases;
