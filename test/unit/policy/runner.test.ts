import { describe, expect, it } from 'vitest';
import { createPolicy, formatReply, heloRequiredReply, PolicyConfigError } from '../../../engine/policy/runner';
import { checks } from '../../../engine/policy/checks';
import { accept, defineCheck, next } from '../../../engine/policy/types';
import type { Check, PolicyCarry, Stage } from '../../../engine/policy/types';
import { policySchema } from '../../../engine/config/schema';
import type { PolicyConfig } from '../../../engine/config/schema';
import { policyContext } from '../../helpers/policy-context';
import type { ContextOptions } from '../../helpers/policy-context';

type PolicyInput = Parameters<typeof policySchema.parse>[0];
const cfg = (o: PolicyInput): PolicyConfig => policySchema.parse(o);

/** A public client that has said HELO and MAIL, sending RCPT TO:<rcpt>. */
const session = (o: ContextOptions = {}) =>
  policyContext({ helo: 'mail.example', sender: 'a@b.example', recipient: 'x@relaylab.test', client: { name: 'mail.example', ip: '192.0.2.1' }, ...o });

/** Test-only checks, added to the real registry through createPolicy's options. */
const extra = (...cs: Check[]): ReadonlyMap<string, Check> => new Map([...checks, ...cs.map((c) => [c.name, c] as const)]);
const boom = defineCheck({ name: 'boom', stage: 'connect', run: () => { throw new Error('kaboom'); } });
const hang = defineCheck({ name: 'hang', stage: 'connect', run: () => new Promise(() => undefined) });
const garbage = defineCheck({ name: 'garbage', stage: 'connect', run: () => ({ kind: 'maybe' }) as never });
const oneArg = defineCheck({ name: 'one_arg', stage: 'connect', args: 1, run: () => next() });
/** Plays a table lookup whose result is a restriction list (check_*_access). */
const results: Record<string, string> = { list: 'permit_mynetworks, reject', table: 'hash:/etc/postfix/x', unknown: 'frobnicate', cls: 'strict', empty: '', again: 'fake_access again' };
const fakeAccess = defineCheck({ name: 'fake_access', stage: 'connect', args: 1, run: (ctx, [key]) => ctx.hooks!.evaluate(results[key!] ?? '') });

const ALL_LISTS = {
  client: ['permit_mynetworks'],
  helo: ['reject_invalid_helo_hostname'],
  sender: ['permit_sasl_authenticated'],
  relay: ['reject_unauth_destination'],
  recipient: ['permit_auth_destination'],
  data: ['reject_unauth_pipelining'],
  end_of_data: ['permit'],
};

describe('which lists run at which event', () => {
  const events: Stage[] = ['connect', 'helo', 'mail', 'rcpt', 'data', 'end_of_data'];
  it.each([
    [true, { connect: [], helo: [], mail: [], rcpt: ['client', 'helo', 'sender', 'relay', 'recipient'], data: ['data'], end_of_data: ['end_of_data'] }],
    [false, { connect: ['client'], helo: ['helo'], mail: ['sender'], rcpt: ['relay', 'recipient'], data: ['data'], end_of_data: ['end_of_data'] }],
  ] as const)('delay_reject=%s', async (delay_reject, want) => {
    const p = createPolicy(cfg({ delay_reject, ...ALL_LISTS }));
    for (const event of events) {
      const out = await p.evaluate(event, session({ stage: event }));
      expect(out.steps.map((s) => s.list), event).toEqual(want[event]);
      expect(p.listsAt(event)).toEqual(want[event]);
      expect(out.verdict, event).toEqual({ kind: 'accept' });
    }
  });

  it('skips the helo list when the client never said HELO', async () => {
    const out = await createPolicy(cfg(ALL_LISTS)).evaluate('rcpt', session({ helo: undefined }));
    expect(out.steps.map((s) => s.list)).toEqual(['client', 'sender', 'relay', 'recipient']);
    expect(out.notes).toEqual(['helo list skipped: no HELO/EHLO was given']);
  });

  it('lets the checks see the event and the list they run in', async () => {
    const seen: string[] = [];
    const spy = defineCheck({ name: 'spy', stage: 'connect', run: (ctx) => { seen.push(`${ctx.stage}/${ctx.list}`); return next(); } });
    const p = createPolicy(cfg({ client: ['spy'], sender: ['spy'], recipient: ['spy'] }), { checks: extra(spy) });
    await p.evaluate('rcpt', session({ stage: 'connect' }));
    expect(seen).toEqual(['rcpt/client', 'rcpt/sender', 'rcpt/recipient']);
  });
});

describe('the evaluation algebra', () => {
  it.each([
    ['PERMIT ends only its own list', { client: ['permit', 'reject'] }, 'x@elsewhere.example',
      { kind: 'reject', code: 554, status: '5.7.1', text: '<x@elsewhere.example>: Relay access denied' },
      ['client permit', 'relay permit_mynetworks', 'relay permit_sasl_authenticated', 'relay reject_unauth_destination']],
    ['REJECT ends every list', { client: ['reject', 'permit'], recipient: ['permit'] }, 'x@relaylab.test',
      { kind: 'reject', code: 554, status: '5.7.1', text: '<mail.example[192.0.2.1]>: Client host rejected: Access denied' },
      ['client reject']],
    ['DEFER ends every list', { sender: ['defer'], recipient: ['reject'] }, 'x@relaylab.test',
      { kind: 'defer', code: 450, status: '4.3.2', text: '<a@b.example>: Sender address rejected: Try again later' },
      ['sender defer']],
    ['the end of the lists is PERMIT', { helo: ['reject_non_fqdn_helo_hostname'] }, 'x@relaylab.test',
      { kind: 'accept' },
      ['helo reject_non_fqdn_helo_hostname', 'relay permit_mynetworks', 'relay permit_sasl_authenticated', 'relay reject_unauth_destination']],
    ['the relay list runs before the recipient list', { recipient: ['reject'] }, 'x@elsewhere.example',
      { kind: 'reject', code: 554, status: '5.7.1', text: '<x@elsewhere.example>: Relay access denied' },
      ['relay permit_mynetworks', 'relay permit_sasl_authenticated', 'relay reject_unauth_destination']],
  ] as const)('%s', async (_name, lists, rcpt, verdict, steps) => {
    const out = await createPolicy(cfg(lists)).evaluate('rcpt', session({ recipient: rcpt }));
    expect(out.verdict).toEqual(verdict);
    expect(out.steps.map((s) => `${s.list} ${s.check}`)).toEqual(steps);
    if (verdict.kind !== 'accept') expect(out.decidedBy).toBe(steps.at(-1)!.split(' ')[1]);
  });

  it('records each check\'s notes, verdict and time', async () => {
    const out = await createPolicy(cfg({})).evaluate('rcpt', session({ recipient: 'x@elsewhere.example' }));
    const [mynet, , relay] = out.steps;
    expect(mynet).toMatchObject({ list: 'relay', check: 'permit_mynetworks', verdict: { kind: 'next' }, detail: 'client 192.0.2.1 is public; mx relay_from [local]' });
    expect(relay).toMatchObject({ verdict: { kind: 'reject', code: 554 }, detail: 'elsewhere.example is not a local domain' });
    for (const s of out.steps) expect(s.ms).toBeGreaterThanOrEqual(0);
  });

  it('accepts a local client relaying through the default relay list', async () => {
    const out = await createPolicy(cfg({})).evaluate('rcpt', session({ recipient: 'x@elsewhere.example', client: { net: 'local', ip: '127.0.0.1' } }));
    expect(out.verdict).toEqual({ kind: 'accept' });
    expect(out.steps.map((s) => s.check)).toEqual(['permit_mynetworks']);
  });

  it('passes args to checks and shows them in the trace', async () => {
    const seen: string[][] = [];
    const two = defineCheck({ name: 'two_args', stage: 'connect', args: 2, run: (_c, a) => { seen.push([...a]); return next(); } });
    const out = await createPolicy(cfg({ client: ['  two_args   x.example  y  '] }), { checks: extra(two) }).evaluate('rcpt', session());
    expect(seen).toEqual([['x.example', 'y']]);
    expect(out.steps[0]?.check).toBe('two_args x.example y');
  });

  it('matches restriction names case-insensitively, as Postfix does', async () => {
    const out = await createPolicy(cfg({ client: ['REJECT'] })).evaluate('rcpt', session());
    expect(out.steps[0]?.check).toBe('reject');
  });
});

describe('RCPT TO:<postmaster>', () => {
  const p = createPolicy(cfg({ client: ['reject'], sender: ['reject'] }));
  it.each(['postmaster', 'Postmaster', 'POSTMASTER'])('%s is accepted without any check', async (rcpt) => {
    const out = await p.evaluate('rcpt', session({ recipient: rcpt }));
    expect(out).toEqual({ verdict: { kind: 'accept' }, steps: [], notes: ['RCPT TO:<postmaster> is accepted without any check (RFC 5321 §4.5.1)'] });
  });

  it.each(['postmaster@elsewhere.example', 'postmaster@relaylab.test', 'postmasterx'])('%s gets the checks', async (rcpt) => {
    expect((await p.evaluate('rcpt', session({ recipient: rcpt }))).verdict).toMatchObject({ kind: 'reject' });
  });

  it('is still subject to the data list', async () => {
    const out = await createPolicy(cfg({ data: ['reject'] })).evaluate('data', session({ recipient: 'postmaster', stage: 'data' }));
    expect(out.verdict).toMatchObject({ code: 554, text: '<DATA>: Data command rejected: Access denied' });
  });
});

describe('restriction classes', () => {
  const classes = { strict: ['permit_mynetworks', 'reject'], soft: ['permit_mynetworks'], open: ['permit'], outer: ['soft', 'strict'] };
  it.each([
    ['a class is evaluated as a nested list', ['strict'], { kind: 'reject', code: 554 }, [['strict'], ['strict']]],
    ['a class that ends undecided is DUNNO, not PERMIT', ['soft', 'defer'], { kind: 'defer', code: 450 }, [['soft'], []]],
    ['a PERMIT inside a class ends the list that used it', ['open', 'reject'], { kind: 'accept' }, [['open']]],
    ['classes nest', ['outer'], { kind: 'reject' }, [['outer', 'soft'], ['outer', 'strict'], ['outer', 'strict']]],
  ] as const)('%s', async (_n, recipient, verdict, via) => {
    const out = await createPolicy(cfg({ recipient: [...recipient], restriction_classes: classes })).evaluate('rcpt', session());
    expect(out.verdict).toMatchObject(verdict);
    expect(out.steps.filter((s) => s.list === 'recipient').map((s) => s.via ?? [])).toEqual(via);
  });
});

describe('table results evaluated as restriction lists', () => {
  const one = (key: string) => createPolicy(cfg({ recipient: [`fake_access ${key}`], restriction_classes: { strict: ['reject'] } }), { checks: extra(fakeAccess) }).evaluate('rcpt', session());

  it('runs the result\'s restrictions, shown inside the check', async () => {
    const out = await one('list');
    expect(out.verdict).toMatchObject({ kind: 'reject', code: 554, text: '<x@relaylab.test>: Recipient address rejected: Access denied' });
    expect(out.steps.slice(-3).map((s) => [s.check, s.via])).toEqual([
      ['permit_mynetworks', ['fake_access list']], ['reject', ['fake_access list']], ['fake_access list', undefined]]);
  });

  it('resolves restriction class names', async () => {
    expect((await one('cls')).verdict).toMatchObject({ kind: 'reject', code: 554 });
  });

  it.each(['table', 'unknown'])('answers 451 4.3.5 for a %s in the result', async (key) => {
    const out = await one(key);
    expect(out.verdict).toEqual({ kind: 'defer', code: 451, status: '4.3.5', text: 'Server configuration error' });
  });

  it('treats an empty result as PERMIT', async () => {
    expect((await one('empty')).verdict).toEqual({ kind: 'accept' });
  });

  it('gives up after 100 levels of recursion with 451 4.3.5', async () => {
    const out = await one('again');
    expect(out.verdict).toMatchObject({ code: 451, status: '4.3.5' });
    expect(out.steps.some((st) => st.detail?.includes('table results nest deeper than 100'))).toBe(true);
  });
});

describe('a check that fails', () => {
  it.each([
    ['throws', boom, 'kaboom'],
    ['hangs', hang, 'timed out after 50 ms'],
    ['returns garbage', garbage, 'returned {"kind":"maybe"}, not a verdict'],
  ] as const)('%s: 451 4.3.5 and evaluation stops', async (_n, bad, error) => {
    const p = createPolicy(cfg({ client: [bad.name, 'reject'], recipient: ['reject'] }), { checks: extra(bad), checkTimeout: 50 });
    const out = await p.evaluate('rcpt', session());
    expect(out.verdict).toEqual({ kind: 'defer', code: 451, status: '4.3.5', text: 'Server configuration error' });
    expect(out.decidedBy).toBe(bad.name);
    expect(out.steps).toHaveLength(1);
    expect(out.steps[0]).toMatchObject({ list: 'client', check: bad.name, error });
  });

  it('is not softened by warn_if_reject', async () => {
    const p = createPolicy(cfg({ client: ['warn_if_reject', 'boom'] }), { checks: extra(boom) });
    expect((await p.evaluate('rcpt', session())).verdict).toMatchObject({ code: 451, status: '4.3.5' });
  });
});

describe('defer_if_permit across events (delay_reject=no)', () => {
  const p = createPolicy(cfg({ delay_reject: false, client: ['defer_if_permit'] }));
  it('is raised at connect and applied at RCPT', async () => {
    const carry: PolicyCarry = {};
    for (const event of ['connect', 'helo', 'mail'] as const) {
      expect((await p.evaluate(event, session({ stage: event, carry }))).verdict, event).toEqual({ kind: 'accept' });
    }
    const out = await p.evaluate('rcpt', session({ carry }));
    expect(out.verdict).toEqual({ kind: 'defer', code: 450, status: '4.7.0', text: '<mail.example[192.0.2.1]>: Client host rejected: defer_if_permit requested' });
    expect(out.decidedBy).toBe('defer_if_permit');
  });

  it('needs the session\'s carry object to travel', async () => {
    expect((await p.evaluate('rcpt', session())).verdict).toEqual({ kind: 'accept' });
  });

  it('is applied within one RCPT when delay_reject=yes', async () => {
    const out = await createPolicy(cfg({ client: ['defer_if_permit'] })).evaluate('rcpt', session());
    expect(out.verdict).toMatchObject({ code: 450, status: '4.7.0' });
  });
});

describe('configuration errors', () => {
  const bad = (o: PolicyInput, opts = {}) => {
    try { createPolicy(cfg(o), opts); } catch (e) { return e as PolicyConfigError; }
    throw new Error('expected a PolicyConfigError');
  };
  it.each([
    ['an unknown restriction', { recipient: ['permit', 'reject_everything'] }, 'recipient', 1, 'reject_everything', 'unknown restriction "reject_everything"'],
    ['commas inside one entry', { client: ['permit_mynetworks, reject'] }, 'client', 0, 'permit_mynetworks, reject', 'no commas'],
    ['a bare table', { sender: ['hash:/etc/postfix/access'] }, 'sender', 0, 'hash:/etc/postfix/access', 'check_*_access'],
    ['an argument too many', { client: ['permit now'] }, 'client', 0, 'permit now', 'permit takes 0 arguments, got 1'],
    ['a missing argument', { client: ['one_arg'] }, 'client', 0, 'one_arg', 'one_arg takes 1 argument, got 0'],
    ['an empty entry', { helo: ['   '] }, 'helo', 0, '   ', 'empty restriction'],
    ['an undefined class', { recipient: ['greylist'] }, 'recipient', 0, 'greylist', 'not in restriction_classes'],
    ['a recipient check in the client list (delay_reject=no)', { delay_reject: false, client: ['reject_unauth_destination'] }, 'client', 0, 'reject_unauth_destination', 'needs data from the rcpt stage, but policy.client runs at connect with delay_reject: false'],
    ['a helo check in the client list (delay_reject=no)', { delay_reject: false, client: ['permit_mynetworks', 'reject_invalid_helo_hostname'] }, 'client', 1, 'reject_invalid_helo_hostname', 'runs at connect'],
    ['a SASL check in the helo list (delay_reject=no)', { delay_reject: false, helo: ['permit_sasl_authenticated'] }, 'helo', 0, 'permit_sasl_authenticated', 'needs data from the mail stage'],
    ['a recipient check hidden in a class', { delay_reject: false, sender: ['c'], restriction_classes: { c: ['reject_unauth_destination'] } }, 'sender', 0, 'c', 'inside restriction class c'],
    ['a class calling itself', { recipient: ['a'], restriction_classes: { a: ['permit_mynetworks', 'a'] } }, 'restriction_classes.a', 1, 'a', 'recursive: a → a'],
    ['two classes calling each other', { restriction_classes: { a: ['b'], b: ['a'] } }, 'restriction_classes.b', 0, 'a', 'recursive: a → b → a'],
    ['a class named like a check', { restriction_classes: { reject: ['permit'] } }, 'restriction_classes.reject', undefined, undefined, 'may not be named like the check reject'],
  ] as const)('%s', (_n, o, list, index, entry, message) => {
    const e = bad(o, { checks: extra(oneArg) });
    expect(e).toBeInstanceOf(PolicyConfigError);
    expect(e.code).toBe('POLICY.BAD_CONFIG');
    expect([e.list, e.index, e.entry]).toEqual([list, index, entry]);
    expect(e.message).toContain(message);
  });

  it('refuses classes nested deeper than 100', () => {
    const chain = Object.fromEntries(Array.from({ length: 102 }, (_, i) => [`c${i}`, i < 101 ? [`c${i + 1}`] : ['reject']]));
    expect(bad({ restriction_classes: chain }).message).toContain('nest deeper than 100');
  });

  it('runs classes nested 100 deep', async () => {
    const ok = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`c${i}`, i < 99 ? [`c${i + 1}`] : ['reject']]));
    const out = await createPolicy(cfg({ recipient: ['c0'], restriction_classes: ok })).evaluate('rcpt', session());
    expect(out.verdict).toMatchObject({ kind: 'reject', code: 554 });
    expect(out.steps.at(-1)?.via).toHaveLength(100);
  });

  it('allows any check in any list with delay_reject=yes, since those lists run at RCPT', () => {
    expect(() => createPolicy(cfg({ client: ['reject_unauth_destination', 'reject_invalid_helo_hostname', 'permit_sasl_authenticated'] }))).not.toThrow();
  });

  it('still refuses a data check in the client list with delay_reject=yes', () => {
    const pipelineLate = defineCheck({ name: 'needs_data', stage: 'data', run: () => next() });
    expect(bad({ client: ['needs_data'] }, { checks: extra(pipelineLate) }).message).toContain('policy.client runs at rcpt');
  });

  describe('the relay guard', () => {
    it.each([
      ['relay list without a guard', { relay: ['permit_mynetworks', 'permit_sasl_authenticated'], recipient: ['permit_auth_destination'] }],
      ['both lists empty', { relay: [], recipient: [] }],
      ['a guard after permit', { relay: ['permit_mynetworks', 'permit', 'reject_unauth_destination'] }],
      ['a guard that only warns', { relay: ['warn_if_reject', 'reject_unauth_destination'] }],
      ['a guard in a class used after permit', { relay: ['permit', 'g'], restriction_classes: { g: ['reject'] } }],
    ])('refuses %s', (_n, o) => {
      const e = bad(o);
      expect([e.list, e.index, e.entry]).toEqual(['relay', undefined, undefined]);
      expect(e.message).toContain('policy.relay or policy.recipient must contain one of reject, reject_unauth_destination, defer, defer_if_permit, defer_unauth_destination');
      expect(e.message).toContain('open relay');
    });

    it.each([
      ['reject_unauth_destination in relay', { relay: ['permit_mynetworks', 'reject_unauth_destination'] }],
      ['defer_unauth_destination in recipient', { relay: [], recipient: ['permit_mynetworks', 'defer_unauth_destination'] }],
      ['reject in recipient', { relay: ['permit_mynetworks'], recipient: ['permit_sasl_authenticated', 'reject'] }],
      ['defer in relay', { relay: ['defer'] }],
      ['defer_if_permit', { relay: ['defer_if_permit'] }],
      ['a guard inside a class', { relay: ['permit_mynetworks', 'g'], restriction_classes: { g: ['reject_unauth_destination'] } }],
      ['the default config', {}],
    ])('accepts %s', (_n, o) => {
      expect(() => createPolicy(cfg(o))).not.toThrow();
    });
  });
});

describe('formatReply', () => {
  const r = (code: number, status: string, text: string) => formatReply({ kind: 'reject', code, status, text });
  it.each([
    ['a good reply unchanged', r(554, '5.7.1', 'Access denied'), { code: 554, status: '5.7.1', text: 'Access denied' }],
    ['a 2xx code', r(250, '2.0.0', 'Ok'), { code: 450, status: '4.7.1', text: 'Service unavailable' }],
    ['a 3xx code', r(354, '5.0.0', 'go on'), { code: 450, status: '4.7.1', text: 'Service unavailable' }],
    ['a 6xx code', r(650, '5.0.0', 'x'), { code: 450, status: '4.7.1', text: 'Service unavailable' }],
    ['a malformed DSN', r(550, '5.7', 'x'), { code: 450, status: '4.7.1', text: 'Service unavailable' }],
    ['a DSN of the wrong class', r(554, '4.7.1', 'x'), { code: 554, status: '5.7.1', text: 'x' }],
    ['a 4xx with a 5.x.x DSN', r(451, '5.3.0', 'x'), { code: 451, status: '4.3.0', text: 'x' }],
    ['control characters', r(550, '5.7.1', 'a\r\nb\tc\u0000d\u007fe'), { code: 550, status: '5.7.1', text: 'a  b c d e' }],
    ['UTF-8 text', r(550, '5.7.1', '<jörg@exämple.test>: nein'), { code: 550, status: '5.7.1', text: '<jörg@exämple.test>: nein' }],
  ])('%s', (_n, got, want) => {
    expect(got).toEqual(want);
  });

  it('keeps the whole reply line within 510 bytes', () => {
    const f = r(554, '5.7.1', 'x'.repeat(600));
    expect(`${f.code} ${f.status} ${f.text}`).toHaveLength(510);
    const u = r(554, '5.7.1', 'é'.repeat(600));
    const bytes = Buffer.byteLength(`${u.code} ${u.status} ${u.text}`);
    expect(bytes).toBeLessThanOrEqual(510);
    expect(bytes).toBeGreaterThan(507);
    expect(u.text).not.toContain('\ufffd');
  });

  it('is what the runner returns', async () => {
    const rude = defineCheck({ name: 'rude', stage: 'connect', run: () => ({ kind: 'reject', code: 554, status: '4.4.4', text: 'bad\nline' }) });
    const out = await createPolicy(cfg({ client: ['rude'] }), { checks: extra(rude) }).evaluate('rcpt', session());
    expect(out.verdict).toEqual({ kind: 'reject', code: 554, status: '5.4.4', text: 'bad line' });
  });

  it('keeps a disconnect request', async () => {
    const bye = defineCheck({ name: 'bye', stage: 'connect', run: () => ({ kind: 'defer', code: 421, status: '4.7.0', text: 'go away', disconnect: true }) });
    const out = await createPolicy(cfg({ client: ['bye'] }), { checks: extra(bye) }).evaluate('rcpt', session());
    expect(out.verdict).toEqual({ kind: 'defer', code: 421, status: '4.7.0', text: 'go away', disconnect: true });
  });
});

describe('smtpd_helo_required', () => {
  it('replies 503 5.5.1 Error: send HELO/EHLO first', () => {
    expect(heloRequiredReply()).toEqual({ kind: 'reject', code: 503, status: '5.5.1', text: 'Error: send HELO/EHLO first' });
  });

  it('is exposed from the config', () => {
    expect(createPolicy(cfg({})).heloRequired).toBe(true);
    expect(createPolicy(cfg({ helo_required: false })).heloRequired).toBe(false);
  });
});

describe('accept() and next() stay distinct in steps', () => {
  it('shows accept for a PERMIT', async () => {
    const out = await createPolicy(cfg({ client: ['permit'] })).evaluate('rcpt', session());
    expect(out.steps[0]?.verdict).toEqual(accept());
  });
});
