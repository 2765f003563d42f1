// The smtp-server bridges that make the engine answer as Postfix 3.7 does (connection-hooks.ts):
// helo_required=no, Postfix's MAIL/RCPT address syntax and ESMTP parameters, u@[our own address]
// as a local destination, XCLIENT re-running the client list with delay_reject=no, and XCLIENT
// HELO=/PROTO= as the session's HELO name and protocol (policy, Received). End to end on
// loopback with a real engine; the replies are the ones the private Postfix gives in
// test/differential.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maildirFiles, startTestEngine, waitFor, type TestEngine } from '../helpers/engine';
import { RawSmtp } from '../helpers/smtp-script';

const CLIENT_TABLE = 'inline:{ { 192.0.2.11=REJECT client refused here }, { 192.0.2.12=DEFER client deferred }, { 192.0.2.13=DEFER_IF_PERMIT client maybe }, { 192.0.2.28=421 4.7.0 closing now } }';
const HELO_LIST = ['check_helo_access inline:{ { helo-reject.example=REJECT bad helo } }', 'reject_non_fqdn_helo_hostname'];
const engines: TestEngine[] = [];
let strict: TestEngine; // helo_required yes, delay_reject yes (the defaults), a HELO list
let relaxed: TestEngine; // helo_required no, delay_reject no, a client list and the same HELO list

beforeAll(async () => {
  const base = { networks: { local: ['127.0.0.0/8'], vpn: [] }, authorized_xclient_networks: ['local'] };
  strict = await startTestEngine({ ...base, policy: { helo: HELO_LIST } });
  relaxed = await startTestEngine({
    ...base,
    policy: { helo_required: false, delay_reject: false, client: [`check_client_access ${CLIENT_TABLE}`], helo: HELO_LIST,
      relay: ['permit_mynetworks', 'reject_unauth_destination'] },
  });
  engines.push(strict, relaxed);
});

afterAll(async () => {
  for (const e of engines) { await e.stop(); fs.rmSync(e.dataDir, { recursive: true, force: true }); }
});

/** A session that claims to come from `ip` (a public client unless it is in 127/8); `more`: more XCLIENT attributes. */
async function as(te: TestEngine, ip: string, more = ''): Promise<RawSmtp> {
  const c = await RawSmtp.connect(te.port('mx'));
  await c.reply();
  await c.cmd('EHLO probe.relaylab.test');
  const r = await c.cmd(`XCLIENT ADDR=${ip} NAME=[UNAVAILABLE]${more ? ` ${more}` : ''}`);
  expect(r).toMatch(/^220 /);
  return c;
}

describe('smtpd_helo_required', () => {
  it('yes (default): MAIL before HELO is 503 5.5.1; RCPT and DATA get Postfix\'s sequence replies', async () => {
    const c = await RawSmtp.connect(strict.port('mx'));
    await c.reply();
    expect(await c.cmd('MAIL FROM:<s@example.org>')).toBe('503 5.5.1 Error: send HELO/EHLO first');
    expect(await c.cmd('RCPT TO:<u@relaylab.test>')).toBe('503 5.5.1 Error: need MAIL command');
    expect(await c.cmd('DATA')).toBe('503 5.5.1 Error: need RCPT command');
    c.close();
  });

  it('no: MAIL, RCPT and DATA without HELO/EHLO, and the message is delivered', async () => {
    const c = await RawSmtp.connect(relaxed.port('mx'), { localAddress: '127.0.3.2' });
    expect(await c.reply()).toMatch(/^220 /);
    expect(await c.cmd('MAIL FROM:<s@example.org>')).toMatch(/^250 2\.1\.0/);
    expect(await c.cmd('RCPT TO:<nohelo@relaylab.test>')).toMatch(/^250 2\.1\.5/);
    expect(await c.cmd('DATA')).toMatch(/^354/);
    expect(await c.cmd('Subject: no helo\r\n\r\nbody\r\n.')).toMatch(/^250 2\.0\.0/);
    c.close();
    await waitFor(() => maildirFiles(relaxed.dataDir, 'relaylab.test', 'nohelo').length > 0, 10_000, 'delivery');
  });

  it('no: a refused HELO leaves no HELO behind, so MAIL is taken (Postfix helo_cmd)', async () => {
    const c = await RawSmtp.connect(relaxed.port('mx'), { localAddress: '127.0.3.3' });
    await c.reply();
    expect(await c.cmd('HELO')).toMatch(/^501/);
    expect(await c.cmd('MAIL FROM:<s@example.org>')).toMatch(/^250 2\.1\.0/);
    c.close();
  });
});

describe('MAIL/RCPT address syntax (Postfix smtpd, strict_rfc821_envelopes=no)', () => {
  it('takes what Postfix takes and hands policy the internal form', async () => {
    const c = await as(strict, '127.0.0.9');
    await c.cmd('EHLO client.example.org');
    expect(await c.cmd('MAIL FROM:s@example.org')).toMatch(/^250 2\.1\.0/);
    expect(await c.cmd('RCPT TO:<dot@relaylab.test.>')).toMatch(/^250 2\.1\.5/);
    expect(await c.cmd('RCPT TO:<"quoted"@relaylab.test>')).toMatch(/^250 2\.1\.5/);
    expect(await c.cmd('RCPT TO:<@relaylab.test>')).toMatch(/^250 2\.1\.5/);
    expect(await c.cmd('DATA')).toMatch(/^354/);
    expect(await c.cmd('Subject: syntax\r\n\r\nbody\r\n.')).toMatch(/^250 2\.0\.0/);
    c.close();
    await waitFor(() => maildirFiles(strict.dataDir, 'relaylab.test', 'dot').length > 0, 10_000, 'dot delivery');
    await waitFor(() => maildirFiles(strict.dataDir, 'relaylab.test', 'quoted').length > 0, 10_000, 'quoted delivery');
    // An empty local part is MAILER-DAEMON, as Postfix's trivial-rewrite makes it.
    await waitFor(() => maildirFiles(strict.dataDir, 'relaylab.test', 'mailer-daemon').length > 0, 10_000, 'MAILER-DAEMON delivery');
  });

  it('answers Postfix\'s replies, sequence errors first', async () => {
    const c = await as(strict, '192.0.2.50');
    await c.cmd('EHLO client.example.org');
    expect(await c.cmd('RCPT TO:<u@relaylab.test')).toBe('503 5.5.1 Error: need MAIL command');
    expect(await c.cmd('MAIL FROM:')).toBe('501 5.5.4 Syntax: MAIL FROM:<address>');
    expect(await c.cmd('MAIL FROM:<s@192.0.2.1>')).toBe('501 5.1.7 Bad sender address syntax');
    expect(await c.cmd('MAIL FROM:<s@example.org> SIZE=100')).toMatch(/^250 2\.1\.0/);
    expect(await c.cmd('MAIL FROM:<s@example.org>')).toBe('503 5.5.1 Error: nested MAIL command');
    expect(await c.cmd('RCPT TO:<a@relaylab.test,b@relaylab.test>')).toBe('501 5.1.3 Bad recipient address syntax');
    expect(await c.cmd('RCPT TO:<>')).toBe('501 5.1.3 Bad recipient address syntax');
    expect(await c.cmd('RCPT TO:<user>')).toBe('554 5.7.1 <user>: Relay access denied');
    expect(await c.cmd('RCPT TO:<u@other.example@relaylab.test>')).toBe('554 5.7.1 <u@other.example@relaylab.test>: Relay access denied');
    c.close();
  });

});

describe('ESMTP parameters (Postfix mail_cmd / rcpt_cmd)', () => {
  it('MAIL: unknown ones get 555, bad values 501/552, known ones pass (also after HELO)', async () => {
    const c = await as(strict, '192.0.2.50');
    await c.cmd('HELO client.example.org');
    expect(await c.cmd('MAIL FROM:<s@example.org> FOO=bar')).toBe('555 5.5.4 Unsupported option: FOO=bar');
    expect(await c.cmd('MAIL FROM:<s@example.org> BODY=foo')).toBe('555 5.5.4 Unsupported option: BODY=foo');
    expect(await c.cmd('MAIL FROM:<s@example.org> SIZE=abc')).toBe('501 5.5.4 Bad message size syntax');
    expect(await c.cmd('MAIL FROM:<s@example.org> RET=foo')).toBe('501 5.5.4 Bad RET parameter syntax');
    expect(await c.cmd('MAIL FROM:<s@example.org> ENVID=')).toBe('501 5.5.4 Bad ENVID parameter syntax');
    expect(await c.cmd('MAIL FROM:<s@example.org> SIZE=99999999999999999999999')).toBe('552 5.3.4 Message size exceeds file system imposed limit');
    expect(await c.cmd('MAIL FROM:<s@example.org> SIZE=1 SIZE=2 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=e1 AUTH=<>')).toMatch(/^250 2\.1\.0/);
    expect(await c.cmd('RCPT TO:<u@relaylab.test> NOTIFY=NEVER,SUCCESS')).toBe('501 5.5.4 Error: Bad NOTIFY parameter syntax');
    expect(await c.cmd('RCPT TO:<u@relaylab.test> ORCPT=rfc822')).toBe('501 5.5.4 Error: Bad ORCPT parameter syntax');
    expect(await c.cmd('RCPT TO:<u@relaylab.test> SIZE=1')).toBe('555 5.5.4 Unsupported option: SIZE=1');
    expect(await c.cmd('RCPT TO:<u@relaylab.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;u@relaylab.test')).toMatch(/^250 2\.1\.5/);
    c.close();
  });

  it('SIZE= over message_size_limit is 552, and it sticks to later MAIL commands until RSET', async () => {
    const c = await as(strict, '192.0.2.50');
    await c.cmd('EHLO client.example.org');
    expect(await c.cmd('MAIL FROM:<s@example.org> SIZE=999999999')).toBe('552 5.3.4 Message size exceeds fixed limit');
    expect(await c.cmd('MAIL FROM:<s@example.org>')).toBe('552 5.3.4 Message size exceeds fixed limit');
    expect(await c.cmd('MAIL FROM:<s@example.org> AUTH=<a@example.org> FOO')).toBe('555 5.5.4 Unsupported option: FOO');
    expect(await c.cmd('MAIL FROM:<s@example.org> AUTH=<b@example.org>')).toBe('503 5.5.4 Error: multiple AUTH= options');
    expect(await c.cmd('RSET')).toMatch(/^250/);
    expect(await c.cmd('MAIL FROM:<s@example.org> AUTH=<b@example.org>')).toMatch(/^250 2\.1\.0/);
    c.close();
  });
});

describe('the HELO name as Postfix keeps it (helo_cmd / ehlo_cmd)', () => {
  it('case as given, several words as one, "@" and " " as "?"; no name is 501 without a status', async () => {
    const c = await as(strict, '192.0.2.50');
    expect(await c.cmd('EHLO')).toBe('501 Syntax: EHLO hostname');
    expect(await c.cmd('HELO')).toBe('501 Syntax: HELO hostname');
    expect(await c.cmd('EHLO Mixed.Example a@b')).toMatch(/^250-/);
    await c.cmd('MAIL FROM:<s@example.org>');
    expect(await c.cmd('RCPT TO:<u@relaylab.test>')).toBe('504 5.5.2 <Mixed.Example?a?b>: Helo command rejected: need fully-qualified hostname');
    c.close();
    const d = await as(strict, '127.0.0.9');
    await d.cmd('EHLO Mixed.Example');
    await d.cmd('MAIL FROM:<s@example.org>');
    await d.cmd('RCPT TO:<mixedhelo@relaylab.test>');
    await d.cmd('DATA');
    expect(await d.cmd('Subject: helo case\r\n\r\nbody\r\n.')).toMatch(/^250 2\.0\.0/);
    d.close();
    await waitFor(() => maildirFiles(strict.dataDir, 'relaylab.test', 'mixedhelo').length > 0, 10_000, 'mixedhelo delivery');
    expect(fs.readFileSync(maildirFiles(strict.dataDir, 'relaylab.test', 'mixedhelo')[0] as string, 'utf8')).toMatch(/^Received: from Mixed\.Example \(/m);
  });
});

describe('XCLIENT HELO= and PROTO= (Postfix xclient_cmd)', () => {
  it('HELO= is the HELO name: MAIL needs no EHLO, Received names it "with SMTP"; the trace shows it', async () => {
    const c = await as(strict, '192.0.2.50', 'HELO=claimed.example');
    expect(await c.cmd('MAIL FROM:<s@example.org>')).toMatch(/^250 2\.1\.0/);
    expect(await c.cmd('RCPT TO:<xhelo@relaylab.test>')).toMatch(/^250 2\.1\.5/);
    expect(await c.cmd('DATA')).toMatch(/^354/);
    expect(await c.cmd('Subject: xclient helo\r\n\r\nbody\r\n.')).toMatch(/^250 2\.0\.0/);
    c.close();
    await waitFor(() => maildirFiles(strict.dataDir, 'relaylab.test', 'xhelo').length > 0, 10_000, 'xhelo delivery');
    const text = fs.readFileSync(maildirFiles(strict.dataDir, 'relaylab.test', 'xhelo')[0] as string, 'utf8');
    expect(text).toMatch(/^Received: from claimed\.example \(unknown \[192\.0\.2\.50\]\)\r\n\tby mx\.relaylab\.test \(Relay Lab\) with SMTP id /m);
    strict.engine.committer.flush(); // the trace is written lazily
    const xs = [];
    for (const s of await strict.engine.api['sessions.list']({ q: '' })) xs.push(...(await strict.engine.api['sessions.get']({ sid: s.sid })).events);
    expect(xs.some((e) => e.t === 'xclient' && e.claimed.ip === '192.0.2.50' && e.claimed.helo === 'claimed.example')).toBe(true);
  });

  it('PROTO=ESMTP makes it "with ESMTP"; without HELO= the HELO from before is gone', async () => {
    const c = await as(strict, '192.0.2.50', 'HELO=claimed.example PROTO=ESMTP');
    await c.cmd('MAIL FROM:<s@example.org>');
    await c.cmd('RCPT TO:<xproto@relaylab.test>');
    await c.cmd('DATA');
    expect(await c.cmd('Subject: xclient proto\r\n\r\nbody\r\n.')).toMatch(/^250 2\.0\.0/);
    expect(await c.cmd('XCLIENT NAME=[UNAVAILABLE]')).toBe('550 5.7.0 Error: insufficient authorization');
    c.close();
    await waitFor(() => maildirFiles(strict.dataDir, 'relaylab.test', 'xproto').length > 0, 10_000, 'xproto delivery');
    expect(fs.readFileSync(maildirFiles(strict.dataDir, 'relaylab.test', 'xproto')[0] as string, 'utf8')).toMatch(/^\tby mx\.relaylab\.test \(Relay Lab\) with ESMTP id /m);
    const d = await RawSmtp.connect(strict.port('mx'));
    await d.reply();
    await d.cmd('EHLO probe.relaylab.test');
    expect(await d.cmd('XCLIENT NAME=proxy.example')).toMatch(/^220 /);
    expect(await d.cmd('MAIL FROM:<s@example.org>')).toBe('503 5.5.1 Error: send HELO/EHLO first');
    d.close();
  });

  it('delay_reject=yes: the HELO list judges the claimed HELO at RCPT; delay_reject=no: never', async () => {
    for (const [helo, want] of [['helo-reject.example', '554 5.7.1 <helo-reject.example>: Helo command rejected: bad helo'],
      ['localhost', '504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname'], ['a@b', '504 5.5.2 <a?b>: Helo command rejected: need fully-qualified hostname']]) {
      const c = await as(strict, '192.0.2.50', `HELO=${helo}`);
      await c.cmd('MAIL FROM:<s@example.org>');
      expect(await c.cmd('RCPT TO:<u@relaylab.test>')).toBe(want);
      c.close();
      const d = await as(relaxed, '192.0.2.50', `HELO=${helo}`);
      await d.cmd('MAIL FROM:<s@example.org>');
      expect(await d.cmd('RCPT TO:<u@relaylab.test>')).toMatch(/^250 2\.1\.5/);
      d.close();
    }
  });

  it('Postfix\'s replies for bad attributes, and who may send it', async () => {
    const c = await RawSmtp.connect(strict.port('mx'));
    await c.reply();
    expect(await c.cmd('XCLIENT')).toBe('501 5.5.4 Syntax: XCLIENT attribute=value...');
    expect(await c.cmd('XCLIENT PROTO=LMTP')).toBe('501 5.5.4 Bad PROTO syntax: LMTP');
    expect(await c.cmd('XCLIENT FOO=1')).toBe('501 5.5.4 Bad XCLIENT attribute name: FOO');
    expect(await c.cmd('XCLIENT NAME=bad!name')).toBe('501 5.5.4 Bad NAME syntax: bad!name');
    expect(await c.cmd('XCLIENT DESTADDR=127.0.0.1 DESTPORT=25')).toMatch(/^220 /);
    expect(await c.cmd('EHLO client.example.org')).toContain('XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT');
    await c.cmd('MAIL FROM:<s@example.org>');
    expect(await c.cmd('XCLIENT HELO=x.example')).toBe('503 5.5.1 Error: MAIL transaction in progress');
    c.close();
  });
});

describe('u@[our own address] is a local destination (Postfix resolve_local)', () => {
  it('a public client may send to it; it is delivered to the local part in our first domain', async () => {
    const c = await as(strict, '192.0.2.50');
    await c.cmd('EHLO client.example.org');
    await c.cmd('MAIL FROM:<s@example.org>');
    expect(await c.cmd('RCPT TO:<literal@[127.0.0.1]>')).toMatch(/^250 2\.1\.5/);
    expect(await c.cmd('RCPT TO:<other@[127.0.0.2]>')).toBe('554 5.7.1 <other@[127.0.0.2]>: Relay access denied');
    expect(await c.cmd('DATA')).toMatch(/^354/);
    expect(await c.cmd('Subject: literal\r\n\r\nbody\r\n.')).toMatch(/^250 2\.0\.0/);
    c.close();
    await waitFor(() => maildirFiles(strict.dataDir, 'relaylab.test', 'literal').length > 0, 10_000, 'literal delivery');
  });
});

describe('XCLIENT with delay_reject=no re-runs the client list for the claimed client', () => {
  it('a REJECT answers the XCLIENT itself, then 503 5.7.0 for all but QUIT', async () => {
    const c = await RawSmtp.connect(relaxed.port('mx'));
    await c.reply();
    await c.cmd('EHLO probe.relaylab.test');
    expect(await c.cmd('XCLIENT ADDR=192.0.2.11 NAME=[UNAVAILABLE]')).toBe('554 5.7.1 <unknown[192.0.2.11]>: Client host rejected: client refused here');
    expect(await c.cmd('EHLO client.example.org')).toBe('503 5.7.0 Error: access denied for unknown[192.0.2.11]');
    expect(await c.cmd('MAIL FROM:<s@example.org>')).toBe('503 5.7.0 Error: access denied for unknown[192.0.2.11]');
    expect(await c.cmd('QUIT')).toMatch(/^221/);
    c.close();
  });

  it('a DEFER answers the XCLIENT with 450; a 421 answers it and closes', async () => {
    const c = await RawSmtp.connect(relaxed.port('mx'));
    await c.reply();
    await c.cmd('EHLO probe.relaylab.test');
    expect(await c.cmd('XCLIENT ADDR=192.0.2.12 NAME=[UNAVAILABLE]')).toBe('450 4.7.1 <unknown[192.0.2.12]>: Client host rejected: client deferred');
    expect(await c.cmd('EHLO client.example.org')).toBe('503 5.7.0 Error: access denied for unknown[192.0.2.12]');
    c.close();
    const d = await RawSmtp.connect(relaxed.port('mx'));
    await d.reply();
    await d.cmd('EHLO probe.relaylab.test');
    expect(await d.cmd('XCLIENT ADDR=192.0.2.28 NAME=[UNAVAILABLE]')).toBe('421 4.7.0 <unknown[192.0.2.28]>: Client host rejected: closing now');
    expect(await d.cmd('EHLO client.example.org')).toBe('');
    d.close();
  });

  it('a DEFER_IF_PERMIT raised at XCLIENT defers the RCPT that would be permitted', async () => {
    const c = await as(relaxed, '192.0.2.13');
    await c.cmd('EHLO client.example.org');
    expect(await c.cmd('MAIL FROM:<s@example.org>')).toMatch(/^250 2\.1\.0/);
    expect(await c.cmd('RCPT TO:<u@relaylab.test>')).toBe('450 4.7.1 <unknown[192.0.2.13]>: Client host rejected: client maybe');
    expect(await c.cmd('RCPT TO:<u@other.example>')).toBe('554 5.7.1 <u@other.example>: Relay access denied');
    c.close();
  });

  it('with delay_reject=yes XCLIENT just greets again', async () => {
    const c = await RawSmtp.connect(strict.port('mx'));
    await c.reply();
    await c.cmd('EHLO probe.relaylab.test');
    expect(await c.cmd('XCLIENT ADDR=192.0.2.11 NAME=[UNAVAILABLE]')).toMatch(/^220 /);
    c.close();
  });
});
