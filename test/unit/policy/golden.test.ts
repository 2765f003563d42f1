// Golden tests in the style of Postfix's smtpd_check.in/.ref: each test/golden/policy/<name>.in is
// a script of config and SMTP-event lines; its output (every line echoed with ">>> ", then the
// trace steps and the reply) must equal <name>.ref. UPDATE_GOLDEN=1 rewrites the .ref files.
//
// Config:  policy <key> <entry>, <entry>, ...   (key: a list name, delay_reject, helo_required)
//          class <name> <entry>, ...            domains <d> ...     listener <name> <role> <class,...>
// Session: client <ip> <net> [name]   helo <arg>   mail <addr>|<>   rcpt <addr>   data   eod
//          sasl <user>|-   pipelining yes|no
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPolicy, formatReply, heloRequiredReply } from '../../../engine/policy/runner';
import type { Policy } from '../../../engine/policy/runner';
import type { CheckResult, PolicyCarry, Stage, StageOutcome, Verdict } from '../../../engine/policy/types';
import { policySchema } from '../../../engine/config/schema';
import type { NetworkClass } from '../../../engine/config/schema';
import { policyContext } from '../../helpers/policy-context';

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
  const out: string[] = [];
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
  const entries = (rest: string) => rest.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const report = (o: StageOutcome) => {
    for (const step of o.steps) out.push(stepLine(step));
    for (const n of o.notes ?? []) out.push(`  note: ${n}`);
    out.push(o.verdict.kind === 'accept' ? 'OK' : verdictText(o.verdict));
  };
  const run = async (event: Stage): Promise<StageOutcome | undefined> => {
    if (!policy) { out.push('error: no valid policy'); return undefined; }
    const o = await policy.evaluate(event, policyContext({
      stage: event, listener, client, localDomains: domains, helo: s.helo, sender: s.sender, recipient: s.recipient,
      saslUser: s.saslUser, illegalPipelining: s.pipelining, recipientCount: s.count, carry: s.carry,
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
        await run('connect');
        break;
      case 'helo': s.helo = rest; await run('helo'); break;
      case 'mail':
        if (policy?.heloRequired && s.helo === undefined) { out.push(verdictText(heloRequiredReply())); break; }
        s.sender = rest === '<>' ? '' : rest;
        s.count = 0;
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
