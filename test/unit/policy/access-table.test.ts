import { describe, expect, it } from 'vitest';
import { dsnFix, dsnSplit, tableResult } from '../../../engine/policy/access-table';
import type { PolicyEffect, PolicyHooks, Verdict } from '../../../engine/policy/types';
import { policyContext } from '../../helpers/policy-context';

const SENDER = { name: 'a@b.example', class: 'Sender address' };
const RCPT = { name: 'x@relaylab.test', class: 'Recipient address' };
const CLIENT = { name: 'mail.example[192.0.2.1]', class: 'Client host' };

/** Hooks that record what a table result asked the runner to do. */
function recorder() {
  const seen: { permit: Verdict[]; reject: Verdict[]; effects: PolicyEffect[]; evaluated: string[] } = { permit: [], reject: [], effects: [], evaluated: [] };
  const hooks: PolicyHooks = {
    deferIfPermit: (v) => { seen.permit.push(v); },
    deferIfReject: (v) => { seen.reject.push(v); },
    warnIfReject: () => undefined,
    evaluate: async (r) => { seen.evaluated.push(r); return { kind: 'next' }; },
    effect: (e) => { seen.effects.push(e); },
  };
  return { seen, hooks };
}

const result = (value: string, reply = RCPT, o: Parameters<typeof policyContext>[0] = {}) => {
  const r = recorder();
  const ctx = policyContext({ sender: 'a@b.example', hooks: r.hooks, ...o });
  return { out: tableResult(ctx, { table: 'texthash:t', value, reply }), ...r, ctx };
};

describe('access actions (check_table_result)', () => {
  it.each([
    ['REJECT', { kind: 'reject', code: 554, status: '5.7.1', text: '<x@relaylab.test>: Recipient address rejected: Access denied' }],
    ['reject  Go away ', { kind: 'reject', code: 554, status: '5.7.1', text: '<x@relaylab.test>: Recipient address rejected: Go away ' }],
    ['REJECT 5.7.0 policy', { kind: 'reject', code: 554, status: '5.7.0', text: '<x@relaylab.test>: Recipient address rejected: policy' }],
    ['DEFER', { kind: 'defer', code: 450, status: '4.7.1', text: '<x@relaylab.test>: Recipient address rejected: Access denied' }],
    ['DEFER 4.2.1 mailbox busy', { kind: 'defer', code: 450, status: '4.2.1', text: '<x@relaylab.test>: Recipient address rejected: mailbox busy' }],
    ['550 sorry', { kind: 'reject', code: 550, status: '5.7.1', text: '<x@relaylab.test>: Recipient address rejected: sorry' }],
    ['451 4.3.0 later', { kind: 'defer', code: 451, status: '4.3.0', text: '<x@relaylab.test>: Recipient address rejected: later' }],
    ['550 4.1.1 digit forced', { kind: 'reject', code: 550, status: '5.1.1', text: '<x@relaylab.test>: Recipient address rejected: digit forced' }],
    ['521 bye', { kind: 'reject', code: 521, status: '5.7.1', text: '<x@relaylab.test>: Recipient address rejected: bye', disconnect: true }],
    ['OK', { kind: 'accept' }],
    ['ok trailing text ignored', { kind: 'accept' }],
    ['RELAY', { kind: 'accept' }],
    ['12345', { kind: 'accept' }],
    ['450', { kind: 'accept' }],
    ['DUNNO', { kind: 'next' }],
    ['dunno with text', { kind: 'next' }],
    ['WARN odd', { kind: 'next' }],
    ['INFO fyi', { kind: 'next' }],
  ] as const)('%s', async (value, want) => {
    expect(await result(value).out).toEqual(want);
  });

  it('DEFER_IF_PERMIT and DEFER_IF_REJECT are remembered, not sent', async () => {
    const p = result('DEFER_IF_PERMIT 4.1.1 maybe');
    expect(await p.out).toEqual({ kind: 'next' });
    expect(p.seen.permit).toEqual([{ kind: 'defer', code: 450, status: '4.1.1', text: '<x@relaylab.test>: Recipient address rejected: maybe' }]);
    const r = result('defer_if_reject');
    expect(await r.out).toEqual({ kind: 'next' });
    expect(r.seen.reject).toEqual([{ kind: 'defer', code: 450, status: '4.7.1', text: '<x@relaylab.test>: Recipient address rejected: Service unavailable' }]);
  });

  it('whole-message actions are recorded; DISCARD also permits', async () => {
    const cases: [string, Verdict, PolicyEffect[]][] = [
      ['HOLD', { kind: 'next' }, [{ kind: 'hold', text: 'triggers HOLD action' }]],
      ['DISCARD spam', { kind: 'accept' }, [{ kind: 'discard', text: 'spam' }]],
      ['PREPEND X-Seen: yes', { kind: 'next' }, [{ kind: 'prepend', header: 'X-Seen: yes' }]],
      ['PREPEND not a header', { kind: 'next' }, []],
      ['REDIRECT admin@relaylab.test', { kind: 'next' }, [{ kind: 'redirect', address: 'admin@relaylab.test' }]],
      ['REDIRECT nowhere', { kind: 'next' }, []],
      ['BCC archive@relaylab.test', { kind: 'next' }, [{ kind: 'bcc', address: 'archive@relaylab.test' }]],
      ['FILTER smtp:[127.0.0.1]:10025', { kind: 'next' }, [{ kind: 'filter', nexthop: 'smtp:[127.0.0.1]:10025' }]],
      ['FILTER nocolon', { kind: 'next' }, []],
    ];
    for (const [value, verdict, effects] of cases) {
      const r = result(value);
      expect(await r.out, value).toEqual(verdict);
      expect(r.seen.effects, value).toEqual(effects);
    }
  });

  it('whole-message actions need a transaction: skipped before MAIL FROM', async () => {
    const r = result('HOLD', CLIENT, { sender: undefined });
    expect(await r.out).toEqual({ kind: 'next' });
    expect(r.seen.effects).toEqual([]);
    expect(r.ctx.notes[0]).toContain('HOLD is skipped here');
  });

  it('PREPEND is refused at end-of-data', async () => {
    const r = result('PREPEND X-A: b', RCPT, { stage: 'end_of_data' });
    expect(await r.out).toEqual({ kind: 'next' });
    expect(r.seen.effects).toEqual([]);
  });

  it('anything else is a restriction list, evaluated with the table check\'s name and Class', async () => {
    const r = result('permit_mynetworks, reject', SENDER);
    await r.out;
    expect(r.seen.evaluated).toEqual(['permit_mynetworks, reject']);
  });

  it('OK on a routed recipient is DUNNO', async () => {
    const ctx = policyContext({});
    expect(await tableResult(ctx, { table: 't', value: 'OK', reply: RCPT, routed: true })).toEqual({ kind: 'next' });
  });
});

describe('DSN fix-ups (smtpd_dsn_fix)', () => {
  it('maps address DSNs by what is rejected', () => {
    expect(['5.1.1', '5.1.2', '5.1.3', '5.1.4', '5.1.5', '5.1.6', '5.1.7', '5.1.8', '5.1.9'].map((d) => dsnFix(d, 'Sender address')))
      .toEqual(['5.1.7', '5.1.8', '5.1.7', '5.1.7', '5.1.0', '5.1.7', '5.1.7', '5.1.8', '5.1.0']);
    expect(['4.1.1', '4.1.7', '4.1.8', '4.1.9'].map((d) => dsnFix(d, 'Recipient address'))).toEqual(['4.1.1', '4.1.3', '4.1.2', '4.1.0']);
    expect(dsnFix('5.1.1', 'Client host')).toBe('5.0.0');
    expect(dsnFix('5.1.1', 'Data command')).toBe('5.0.0');
    expect(dsnFix('5.7.1', 'Sender address')).toBe('5.7.1');
  });

  it('splits an optional leading status from the text', () => {
    expect(dsnSplit('5.7.1', '  5.1.1  user unknown')).toEqual({ dsn: '5.1.1', text: 'user unknown' });
    expect(dsnSplit('5.7.1', '5.1.1')).toEqual({ dsn: '5.1.1', text: '' });
    expect(dsnSplit('5.7.1', '5.1.1x not a status')).toEqual({ dsn: '5.7.1', text: '5.1.1x not a status' });
    expect(dsnSplit('4.7.1', '3.1.1 no')).toEqual({ dsn: '4.7.1', text: '3.1.1 no' });
  });
});
