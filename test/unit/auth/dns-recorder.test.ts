import { describe, expect, it } from 'vitest';
import { createDnsRecorder } from '../../../engine/auth';
import { answerProblem } from '../../../engine/auth/dns-recorder';
import type { Resolver } from '../../../engine/dns/resolver.port';
import { zone } from './helpers';

const lab = zone({ 'example.org': { TXT: ['v=spf1 -all'], MX: [[10, 'mx.example.org']] }, 'slow.example': { TIMEOUT: true } });
const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

describe('the per-message DNS recorder', () => {
  it('keeps phase, name, type, time and the answer or the node:dns error code', async () => {
    const rec = createDnsRecorder(lab);
    const answer = await rec.forPhase('spf')('example.org', 'TXT');
    expect(answer).toEqual([['v=spf1 -all']]);
    expect(await code(rec.forPhase('dkim')('nx.example.org', 'TXT'))).toBe('ENOTFOUND');
    expect(await code(rec.forPhase('dmarc')('example.org', 'A'))).toBe('ENODATA');
    expect(await code(rec.forPhase('arc')('slow.example', 'TXT'))).toBe('ETIMEOUT');
    expect(rec.queries.map(({ phase, name, type, answer: a, error }) => ({ phase, name, type, a, error }))).toEqual([
      { phase: 'spf', name: 'example.org', type: 'TXT', a: [['v=spf1 -all']], error: undefined },
      { phase: 'dkim', name: 'nx.example.org', type: 'TXT', a: undefined, error: 'ENOTFOUND' },
      { phase: 'dmarc', name: 'example.org', type: 'A', a: undefined, error: 'ENODATA' },
      { phase: 'arc', name: 'slow.example', type: 'TXT', a: undefined, error: 'ETIMEOUT' },
    ]);
    for (const q of rec.queries) expect(q.ms).toBeGreaterThanOrEqual(0);
  });

  it('keeps a copy: mailauth sorting an answer in place does not change the record', async () => {
    const rec = createDnsRecorder(lab);
    const mx = (await rec.forPhase('spf')('example.org', 'MX')) as unknown[];
    mx.length = 0;
    expect(rec.queries[0]?.answer).toEqual([{ exchange: 'mx.example.org', priority: 10 }]);
  });

  it('an unknown type or empty name is EBADNAME, without asking', async () => {
    let asked = 0;
    const r: Resolver = { resolve: async () => { asked++; return []; }, reverse: async () => [], onQuery: () => () => {} };
    const rec = createDnsRecorder(r);
    expect(await code(rec.forPhase('spf')('example.org', 'SPF'))).toBe('EBADNAME');
    expect(await code(rec.forPhase('spf')('', 'TXT'))).toBe('EBADNAME');
    expect(asked).toBe(0);
  });

  it('answers of the wrong shape are EBADRESP', async () => {
    expect(answerProblem('TXT', [['a', 'b']])).toBeUndefined();
    expect(answerProblem('TXT', ['flat'])).toMatch(/list of strings/);
    expect(answerProblem('A', ['999.1.1.1'])).toMatch(/IPv4/);
    expect(answerProblem('AAAA', ['192.0.2.1'])).toMatch(/IPv6/);
    expect(answerProblem('MX', [{ exchange: 'x' }])).toMatch(/MX/);
    expect(answerProblem('PTR', [null])).toMatch(/name/);
    expect(answerProblem('TXT', 'x')).toMatch(/not a list/);
    const r: Resolver = { resolve: async () => 'garbage' as never, reverse: async () => [], onQuery: () => () => {} };
    expect(await code(createDnsRecorder(r).forPhase('spf')('example.org', 'TXT'))).toBe('EBADRESP');
  });

  it('a hanging query times out; once the budget is spent nothing more is asked', async () => {
    let asked = 0;
    const hang: Resolver = { resolve: () => { asked++; return new Promise(() => {}); }, reverse: async () => [], onQuery: () => () => {} };
    const rec = createDnsRecorder(hang, { queryTimeoutMs: 10_000, budgetMs: 30 });
    const t0 = Date.now();
    expect(await code(rec.forPhase('spf')('a.example', 'TXT'))).toBe('ETIMEOUT');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await code(rec.forPhase('spf')('b.example', 'TXT'))).toBe('ETIMEOUT');
    expect(asked).toBe(1);
  });

  it('keeps at most maxRecords, counting the rest', async () => {
    const rec = createDnsRecorder(lab, { maxRecords: 2 });
    for (let i = 0; i < 5; i++) await rec.forPhase('spf')('example.org', 'TXT');
    expect(rec.queries).toHaveLength(2);
    expect(rec.dropped).toBe(3);
  });
});
