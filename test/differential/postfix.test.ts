// Differential test against real Postfix 3.7: the same SMTP scripts go to a private Postfix instance
// and to Relay Lab with the equivalent config; for every reply the 3-digit code and the enhanced
// status code must agree, unless the difference is in allowlist.ts with its reason. In cases marked
// exact, every 4xx/5xx reply must also agree word for word (its whole first line).
// DNS-based restrictions are left out: Postfix would need a resolver on port 53 (see README.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { RawSmtp } from '../helpers/smtp-script';
import { ALLOWLIST } from './allowlist';
import { CASES, type Case } from './cases';
import { POSTFIX, POSTFIX_HINT, startPostfix, type PostfixInstance } from './postfix-instance';
import { CLASSES, postfixOverrides, profiles, relaylabPolicy, writeTables, type Profile } from './tables';

if (!POSTFIX && process.env.CI) throw new Error(POSTFIX_HINT);
const skip = !POSTFIX;

interface Step { cmd: string; reply: string }
const BODY = 'Subject: differential\r\n\r\nbody\r\n.';

/** One session: EHLO probe, XCLIENT as the case's client, then the steps. */
async function runScript(port: number, c: Case): Promise<Step[]> {
  const s = await RawSmtp.connect(port, c.real ? { localAddress: c.ip } : {});
  const out: Step[] = [];
  const say = async (cmd: string): Promise<string> => { const reply = await s.cmd(cmd).catch((e: Error) => `ERR ${e.message}`); out.push({ cmd, reply }); return reply; };
  try {
    out.push({ cmd: '(connect)', reply: await s.reply() });
    if (!c.real) {
      await say('EHLO probe.relaylab.test');
      await say(`XCLIENT ADDR=${c.ip} NAME=${c.name ?? '[UNAVAILABLE]'}${c.xclient ? ` ${c.xclient}` : ''}`);
    }
    for (const step of c.steps) {
      if (step.startsWith('PIPE ')) {
        const cmds = step.slice(5).split('|');
        s.write(cmds.map((x) => `${x}\r\n`).join(''));
        for (const cmd of cmds) out.push({ cmd: `${cmd} (pipelined)`, reply: await s.reply().catch((e: Error) => `ERR ${e.message}`) });
        continue;
      }
      const r = await say(step);
      // The body step is always recorded, so that both sessions' replies stay aligned.
      if (step === 'DATA') { if (r.startsWith('354')) await say(BODY); else out.push({ cmd: '(body not sent)', reply: '(no 354)' }); }
    }
    await say('QUIT');
  } finally { s.close(); }
  return out;
}

/** Texts compared too: cases marked exact, or every case with DIFF_EXACT=1 (a survey; not all agree). */
const exact = (c: Case): boolean => !!c.exact || process.env.DIFF_EXACT === '1';

/** An error reply's whole first line (exact cases), else "". */
function textOf(reply: string): string {
  return /^[45]\d\d/.test(reply) ? (reply.split('\n')[0] as string) : '';
}

/** "250 2.1.0" from a reply's first line; "" for a closed connection. */
function codeOf(reply: string): string {
  const m = /^(\d{3})[ -]?(?:(\d\.\d{1,3}\.\d{1,3})(?=\s|$))?/.exec(reply);
  if (!m) return reply === '' ? '(closed)' : reply === '(no 354)' ? reply : `(? ${reply.slice(0, 20)})`;
  return m[2] ? `${m[1]} ${m[2]}` : (m[1] as string);
}

const counts = { cases: 0, replies: 0, identical: 0, allowlisted: 0, different: 0 };
const diffs: string[] = [];
const transcripts: string[] = [];
let pf: PostfixInstance | undefined;
const engines = new Map<string, TestEngine>();
let work: string | undefined;

describe.skipIf(skip)('differential: Postfix 3.7 vs Relay Lab', () => {
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'relaylab-diff-'));
    const t = writeTables(path.join(work, 'tables'));
    const profs: Record<string, Profile> = profiles(t);
    const classes = Object.fromEntries(Object.entries(CLASSES).map(([k, v]) => [k, v.join(', ')]));
    pf = await startPostfix({
      myhostname: 'mx.relaylab.test', mydestination: 'relaylab.test', mynetworks: '127.0.0.0/8',
      smtpd_authorized_xclient_hosts: '127.0.0.1', default_transport: 'discard', local_transport: 'discard', relay_transport: 'discard',
      // No DNS from Postfix: no reverse lookup of clients (XCLIENT supplies NAME).
      smtpd_peername_lookup: 'no',
      // Accept every local part of relaylab.test, as Relay Lab does without a user list.
      local_recipient_maps: '', alias_maps: '', alias_database: '', recipient_delimiter: '+',
      // Speed: no tarpit between error replies; no error-count disconnects in long scripts.
      smtpd_error_sleep_time: '0', smtpd_soft_error_limit: '100', smtpd_hard_error_limit: '100',
      smtpd_restriction_classes: Object.keys(CLASSES).join(', '), ...classes,
    }, Object.fromEntries(Object.entries(profs).map(([n, p]) => [n, postfixOverrides(p)])));
    for (const [n, p] of Object.entries(profs)) {
      engines.set(n, await startTestEngine({
        listeners: [{ name: 'mx', role: 'mx', address: '127.0.0.1', port: 0 }],
        networks: { local: ['127.0.0.0/8'], vpn: [] },
        authorized_xclient_networks: ['local'],
        limits: { smtpd_hard_error_limit: 100 },
        policy: relaylabPolicy(p),
      }));
    }
  }, 60_000);

  afterAll(async () => {
    await pf?.stop();
    for (const e of engines.values()) { await e.stop(); fs.rmSync(e.dataDir, { recursive: true, force: true }); }
    if (work) fs.rmSync(work, { recursive: true, force: true });
    // Postfix's maillog is kept when replies differed (its path is printed), else removed.
    if (pf && !diffs.length) fs.rmSync(pf.dir, { recursive: true, force: true });
    else if (pf) console.log(`postfix maillog: ${path.join(pf.dir, 'maillog')}`);
    // One summary line for CI logs.
    console.log(`differential summary: cases=${counts.cases} replies=${counts.replies} identical=${counts.identical} allowlisted=${counts.allowlisted} different=${counts.different}`);
    if (diffs.length) console.log(diffs.join('\n'));
    // The full list also goes to a file, for review outside the vitest output.
    fs.writeFileSync(path.join(os.tmpdir(), 'relaylab-differential-diffs.txt'), `${diffs.join('\n')}\n\n${transcripts.join('\n')}\n`);
  }, 30_000);

  it.each(CASES.map((c) => [c.id, c]))('%s', async (_id, c) => {
    const a = await runScript(pf!.port(c.profile), c);
    const b = await runScript(engines.get(c.profile)!.port('mx'), c);
    counts.cases++;
    const bad: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const pa = a[i], pb = b[i];
      const ca = pa ? codeOf(pa.reply) : '(none)', cb = pb ? codeOf(pb.reply) : '(none)';
      counts.replies++;
      if (ca === cb && (!exact(c) || textOf(pa!.reply) === textOf(pb!.reply))) { counts.identical++; continue; }
      const key = `${c.id} #${i}`;
      if (ALLOWLIST[key] ?? ALLOWLIST[c.id]) { counts.allowlisted++; continue; }
      counts.different++;
      const line = `DIFF ${key} [${c.profile} client ${c.ip}${c.name ? ` ${c.name}` : ''}] ${pa?.cmd ?? pb?.cmd}\n  postfix:  ${pa?.reply.split('\n')[0] ?? '(none)'}\n  relaylab: ${pb?.reply.split('\n')[0] ?? '(none)'}`;
      bad.push(line);
      diffs.push(line);
    }
    if (bad.length) {
      const show = (x: Step[]): string => x.map((st, i) => `    #${i} ${st.cmd.slice(0, 60)} -> ${st.reply.split('\n')[0]}`).join('\n');
      transcripts.push(`CASE ${c.id}\n  postfix:\n${show(a)}\n  relaylab:\n${show(b)}`);
    }
    expect(bad, bad.join('\n')).toEqual([]);
  }, 60_000);
});

describe.skipIf(!skip)('differential: Postfix missing', () => {
  it.skip(POSTFIX_HINT, () => {});
});
