// The runner's support for tables: reply name/Class of table results, whole-message effects,
// DISCARD, engine-wide context, brace-aware parsing, argument validation, table specs.
import { describe, expect, it } from 'vitest';
import { createPolicy, splitWords } from '../../../engine/policy/runner';
import { policySchema } from '../../../engine/config/schema';
import { createTableSet } from '../../../engine/tables/registry';
import { policyContext } from '../../helpers/policy-context';
import type { ContextOptions } from '../../helpers/policy-context';

type PolicyInput = Parameters<typeof policySchema.parse>[0];
const cfg = (o: PolicyInput) => policySchema.parse(o);
const tables = createTableSet({ baseDir: '/nonexistent' });
const session = (o: ContextOptions = {}) =>
  policyContext({ helo: 'mail.example', sender: 'a@b.example', recipient: 'x@relaylab.test', client: { name: 'mail.example', ip: '192.0.2.1' }, tables, ...o });

describe('the runner and access tables', () => {
  it('a table result runs as a restriction list with the table check\'s name and Class', async () => {
    const p = createPolicy(cfg({ recipient: ['check_sender_access inline:{ {a@b.example=permit_mynetworks, reject} }'] }));
    const out = await p.evaluate('rcpt', session());
    expect(out.verdict).toEqual({ kind: 'reject', code: 554, status: '5.7.1', text: '<a@b.example>: Sender address rejected: Access denied' });
    expect(out.steps.filter((s) => s.list === 'recipient').map((s) => `${s.check}${s.via ? ` in ${s.via.join(' > ')}` : ''}`)).toEqual([
      'permit_mynetworks in check_sender_access inline:{ {a@b.example=permit_mynetworks, reject} }',
      'reject in check_sender_access inline:{ {a@b.example=permit_mynetworks, reject} }',
      'check_sender_access inline:{ {a@b.example=permit_mynetworks, reject} }',
    ]);
  });

  it('a restriction class named by a table result keeps the table\'s Class', async () => {
    const p = createPolicy(cfg({ recipient: ['check_client_access inline:{192.0.2.1=strict}'], restriction_classes: { strict: ['defer'] } }));
    expect((await p.evaluate('rcpt', session())).verdict).toEqual({ kind: 'defer', code: 450, status: '4.3.2', text: '<mail.example[192.0.2.1]>: Client host rejected: Try again later' });
  });

  it('a table naming another table is a server error', async () => {
    const p = createPolicy(cfg({ recipient: ['check_recipient_access inline:{ {x@relaylab.test=check_sender_access texthash:y} }'] }));
    expect((await p.evaluate('rcpt', session())).verdict).toEqual({ kind: 'defer', code: 451, status: '4.3.5', text: 'Server configuration error' });
  });

  it('records whole-message effects in order, even when the command is then rejected', async () => {
    const p = createPolicy(cfg({
      sender: ['check_sender_access inline:{ {a@b.example=PREPEND X-One: 1} }'],
      recipient: ['check_recipient_access inline:{ {x@relaylab.test=HOLD look at it} }', 'reject'],
    }));
    const out = await p.evaluate('rcpt', session());
    expect(out.verdict).toMatchObject({ code: 554 });
    expect(out.effects).toEqual([
      { kind: 'prepend', header: 'X-One: 1', by: 'check_sender_access inline:{ {a@b.example=PREPEND X-One: 1} }' },
      { kind: 'hold', text: 'look at it', by: 'check_recipient_access inline:{ {x@relaylab.test=HOLD look at it} }' },
    ]);
  });

  it('DISCARD permits and skips every later restriction, now and for the rest of the transaction', async () => {
    const p = createPolicy(cfg({ sender: ['check_sender_access inline:{a@b.example=DISCARD}', 'reject'], recipient: ['reject'] }));
    const out = await p.evaluate('rcpt', session());
    expect(out.verdict).toEqual({ kind: 'accept' });
    expect(out.steps.map((s) => s.check)).toEqual(['check_sender_access inline:{a@b.example=DISCARD}']);
    expect(out.effects).toMatchObject([{ kind: 'discard' }]);
    const later = await p.evaluate('rcpt', session({ discard: true, recipient: 'y@elsewhere.example' }));
    expect(later).toEqual({ verdict: { kind: 'accept' }, steps: [], notes: ['a DISCARD earlier in this transaction: no restriction is evaluated'] });
  });

  it('takes tables, delimiter and myorigin from the engine-wide context unless the context sets them', async () => {
    const p = createPolicy(cfg({ sender: ['check_sender_access inline:{a@b.example=REJECT}'] }), { context: { tables, myorigin: 'b.example' } });
    const ctx = policyContext({ sender: 'a', recipient: 'x@relaylab.test' });
    expect((await p.evaluate('rcpt', ctx)).verdict).toMatchObject({ code: 554, text: '<a>: Sender address rejected: Access denied' });
    expect(ctx.tables).toBeUndefined();
  });

  it('keeps braces together when splitting entries and table results', () => {
    expect(splitWords('check_client_access inline:{ a=OK, b=REJECT }')).toEqual(['check_client_access', 'inline:{ a=OK, b=REJECT }']);
    expect(splitWords('permit_mynetworks,reject  x', true)).toEqual(['permit_mynetworks', 'reject', 'x']);
  });

  it('refuses bad arguments at load, and lists the table specs to open at start', () => {
    expect(() => createPolicy(cfg({ sender: ['check_sender_access frob:x'] }))).toThrow('policy.sender[0] "check_sender_access frob:x": unsupported table type "frob"');
    expect(() => createPolicy(cfg({ client: ['reject_rbl_client zen.test=1.2.3'] }))).toThrow('expected four fields');
    const p = createPolicy(cfg({
      sender: ['check_sender_access texthash:a', 'reject_rbl_client zen.test'],
      recipient: ['check_recipient_access texthash:a', 'check_recipient_access pcre:b'],
      restriction_classes: { c: ['check_client_access cidr:c'] },
    }));
    expect(p.tableSpecs()).toEqual(['texthash:a', 'pcre:b', 'cidr:c']);
  });
});
