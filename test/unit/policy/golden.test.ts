// Golden tests in the style of Postfix's smtpd_check.in/.ref: each test/golden/policy/<name>.in is
// a script of config and SMTP-event lines; its output (every line echoed with ">>> ", then the
// trace steps and the reply) must equal <name>.ref. UPDATE_GOLDEN=1 rewrites the .ref files.
//
// Config:  policy <key> <entry>, <entry>, ...   (key: a list name, delay_reject, helo_required)
//          class <name> <entry>, ...            domains <d> ...     listener <name> <role> <class,...>
// Session: client <ip> <net> [name]   helo <arg>   mail <addr>|<>   rcpt <addr>   data   eod
//          sasl <user>|-   pipelining yes|no
// Tables:  table <file> <line>  (appends a line to <file> under the script's own folder; the
//          text keeps any extra leading spaces)   rmtable <file>   delimiter <chars>|-
//          myorigin <domain>   rbl_reply_maps <spec>|-
// DNS:     dns <name> A|AAAA|TXT|MX|PTR|CNAME <value...>   dns <name> SERVFAIL|TIMEOUT
//          (a lab zone; every other name is NXDOMAIN)
// Outcomes print each step (with its notes), the runner's notes, recorded effects, then the reply.
// A DISCARD effect is carried to the rest of the transaction, as the SMTP layer does.
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPolicy, formatReply, heloRequiredReply } from '../../../engine/policy/runner';
import type { Policy } from '../../../engine/policy/runner';
import type { CheckResult, PolicyCarry, Stage, StageOutcome, Verdict } from '../../../engine/policy/types';
import { policySchema } from '../../../engine/config/schema';
import type { NetworkClass } from '../../../engine/config/schema';
import { policyContext } from '../../helpers/policy-context';
import { createTableSet } from '../../../engine/tables/registry';
import { createZoneResolver } from '../../../engine/dns/zone';
import type { ZoneRecord } from '../../../engine/config/schema';

const dir = fileURLToPath(new URL('../../golden/policy/', import.meta.url));

function verdictText(v: Verdict): string {
  if (v.kind === 'next' || v.kind === 'accept') return v.kind;
  const r = formatReply(v);
  return `${r.code} ${r.status} ${r.text}${v.disconnect ? ' (disconnect)' : ''}`;
}

function stepLine(s: CheckResult): string {
  const via = s.via?.length ? ` (in ${s.via.join(' > ')})` : '';
  const detail = s.detail ? `  # ${s.detail}` : '';
  const error = s.error ? `  ! ${s.error}` : '';
  return `  ${s.list} ${s.check}${via} => ${verdictText(s.verdict)}${detail}${error}`;
}

async function play(script: string): Promise<string> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'relaylab-golden-'));
  try {
    return (await playIn(script, base)).split(base).join('$BASE');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

async function playIn(script: string, base: string): Promise<string> {
  const out: string[] = [];
  const tables = createTableSet({ baseDir: base, reloadCheckMs: 0 });
  const zone: Record<string, ZoneRecord> = {};
  let resolver = createZoneResolver(zone);
  let recipientDelimiter: string | undefined;
  let myorigin: string | undefined;
  let rblReplyMaps: string[] | undefined;
  let discard = false;
  const cfg: Record<string, unknown> = {};
  const classes: Record<string, string[]> = {};
  let domains = ['relaylab.test'];
  let listener = { name: 'mx', role: 'mx' as 'mx' | 'submission', relayFrom: ['local'] as NetworkClass[] };
  let policy: Policy | undefined;
  let client = { ip: '192.0.2.1', port: 40000, name: 'unknown', net: 'public' as NetworkClass };
  let s: { helo?: string; sender?: string; recipient?: string; saslUser?: string; pipelining: boolean; count: number; carry: PolicyCarry } =
    { pipelining: false, count: 0, carry: {} };

  const rebuild = () => {
    try {
      policy = createPolicy(policySchema.parse({ ...cfg, restriction_classes: classes }));
    } catch (e) {
      policy = undefined;
      out.push(`error: ${(e as Error).message}`);
    }
  };
  /** Comma-separated entries; commas inside braces (inline:{a=b, c=d}) stay in their entry. */
  const entries = (rest: string) => {
    const out: string[] = [];
    let cur = '';
    let level = 0;
    for (const c of rest) {
      if (c === ',' && level === 0) { out.push(cur); cur = ''; continue; }
      if (c === '{') level++;
      else if (c === '}' && level > 0) level--;
      cur += c;
    }
    out.push(cur);
    return out.map((e) => e.trim()).filter((e) => e !== '');
  };
  const report = (o: StageOutcome) => {
    for (const step of o.steps) out.push(stepLine(step));
    for (const n of o.notes ?? []) out.push(`  note: ${n}`);
    for (const e of o.effects ?? []) {
      const { kind, by, ...rest } = e;
      out.push(`  effect: ${kind} ${Object.values(rest).join(' ')} (by ${by})`);
      if (kind === 'discard') discard = true;
    }
    out.push(o.verdict.kind === 'accept' ? 'OK' : verdictText(o.verdict));
  };
  const run = async (event: Stage): Promise<StageOutcome | undefined> => {
    if (!policy) { out.push('error: no valid policy'); return undefined; }
    const o = await policy.evaluate(event, policyContext({
      stage: event, listener, client, localDomains: domains, helo: s.helo, sender: s.sender, recipient: s.recipient,
      saslUser: s.saslUser, illegalPipelining: s.pipelining, recipientCount: s.count, carry: s.carry,
      resolver, tables, recipientDelimiter, myorigin, rblReplyMaps, discard,
    }));
    report(o);
    return o;
  };

  rebuild();
  for (const raw of script.split('\n')) {
    const lineText = raw.trimEnd();
    if (lineText === '' || lineText.startsWith('#')) { out.push(lineText); continue; }
    out.push(`>>> ${lineText}`);
    const [cmd = '', ...words] = lineText.trim().split(/\s+/);
    const rest = lineText.trim().slice(cmd.length).trim();
    switch (cmd) {
      case 'policy': {
        const [key = ''] = words;
        const value = rest.slice(key.length).trim();
        if (key === 'delay_reject' || key === 'helo_required') cfg[key] = value === 'yes';
        else cfg[key] = entries(value);
        rebuild();
        break;
      }
      case 'class': {
        const [name = ''] = words;
        classes[name] = entries(rest.slice(name.length));
        rebuild();
        break;
      }
      case 'domains': domains = words; break;
      case 'listener': listener = { name: words[0] ?? 'mx', role: words[1] === 'submission' ? 'submission' : 'mx', relayFrom: entries(words[2] ?? '') as NetworkClass[] }; break;
      case 'client':
        client = { ip: words[0] ?? '192.0.2.1', port: 40000, net: (words[1] ?? 'public') as NetworkClass, name: words[2] ?? 'unknown' };
        s = { pipelining: false, count: 0, carry: {} };
        discard = false;
        await run('connect');
        break;
      case 'helo': s.helo = rest; await run('helo'); break;
      case 'mail':
        if (policy?.heloRequired && s.helo === undefined) { out.push(verdictText(heloRequiredReply())); break; }
        s.sender = rest === '<>' ? '' : rest;
        s.count = 0;
        discard = false;
        await run('mail');
        break;
      case 'rcpt': {
        s.recipient = rest;
        const o = await run('rcpt');
        if (o?.verdict.kind === 'accept') s.count++;
        break;
      }
      case 'data': await run('data'); break;
      case 'eod': await run('end_of_data'); break;
      case 'sasl': s.saslUser = rest === '-' ? undefined : rest; break;
      case 'pipelining': s.pipelining = rest === 'yes'; break;
      case 'table': {
        const [file = ''] = words;
        const text = lineText.trimStart().slice('table'.length).replace(/^ +/, '').slice(file.length + 1);
        mkdirSync(path.dirname(path.join(base, file)), { recursive: true });
        appendFileSync(path.join(base, file), `${text}\n`);
        break;
      }
      case 'rmtable': rmSync(path.join(base, words[0] ?? ''), { force: true }); break;
      case 'delimiter': recipientDelimiter = rest === '-' ? '' : rest; break;
      case 'myorigin': myorigin = rest; break;
      case 'rbl_reply_maps': rblReplyMaps = rest === '-' ? undefined : [rest]; break;
      case 'dns': {
        const [name = '', type = '', ...values] = words;
        const rec: ZoneRecord = { ...zone[name] };
        if (type === 'SERVFAIL' || type === 'TIMEOUT') rec[type] = true;
        else if (type === 'MX') rec.MX = [...(rec.MX ?? []), [Number(values[0]), values[1] ?? '']];
        else if (type === 'TXT') rec.TXT = [...(rec.TXT ?? []), rest.slice(rest.indexOf('TXT') + 3).trim()];
        else if (type === 'A' || type === 'AAAA' || type === 'PTR' || type === 'CNAME') rec[type] = [...(rec[type] ?? []), ...values];
        else { out.push(`error: unknown dns record type ${type}`); break; }
        zone[name] = rec;
        resolver = createZoneResolver(zone);
        break;
      }
      default: out.push(`error: unknown script command ${cmd}`);
    }
  }
  return out.join('\n').trimEnd() + '\n';
}

const scripts = readdirSync(dir).filter((f) => f.endsWith('.in')).sort();

describe('policy golden files', () => {
  it('has at least one script', () => {
    expect(scripts.length).toBeGreaterThan(0);
  });

  it.each(scripts)('%s', async (file) => {
    const actual = await play(readFileSync(dir + file, 'utf8'));
    const refFile = dir + file.replace(/\.in$/, '.ref');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(refFile, actual);
    expect(actual).toBe(readFileSync(refFile, 'utf8'));
  });
});
