import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/check_sender_access';
import { createTableSet } from '../../../../engine/tables/registry';
import { policyContext } from '../../../helpers/policy-context';

const tables = createTableSet({ baseDir: '/nonexistent' });
const TABLE = 'inline:{ {a@b.example=REJECT go away}, {b.example=DUNNO}, {example=OK}, {<>=550 5.1.1 no bounces}, {user@=DEFER 4.1.1 later}, {c+x@d.example=REJECT ext}, {c@d.example=REJECT bare} }';
const run = (sender: string | undefined, o: Parameters<typeof policyContext>[0] = {}) =>
  check.run(policyContext({ sender, list: 'sender', tables, ...o }), [TABLE]);

describe('check_sender_access', () => {
  it('rejects with the table text, the sender as given and the Sender address Class', async () => {
    expect(await run('A@B.Example')).toEqual({ kind: 'reject', code: 554, status: '5.7.1', text: '<A@B.Example>: Sender address rejected: go away' });
  });

  it('DUNNO on a domain stops the walk to its parents', async () => {
    expect(await run('x@b.example')).toEqual({ kind: 'next' });
    expect(await run('x@c.example')).toEqual({ kind: 'accept' });
  });

  it('tries the address without its extension, then user@', async () => {
    expect(await run('c+x@d.example')).toMatchObject({ text: '<c+x@d.example>: Sender address rejected: ext' });
    expect(await run('c+y@d.example')).toMatchObject({ text: '<c+y@d.example>: Sender address rejected: bare' });
    expect(await run('c+y@d.example', { recipientDelimiter: '' })).toEqual({ kind: 'accept' }); // no extension: falls through to example => OK
    expect(await run('user@other.test')).toEqual({ kind: 'defer', code: 450, status: '4.1.7', text: '<user@other.test>: Sender address rejected: later' });
  });

  it('looks the null sender up as <>, and maps a recipient DSN to a sender DSN', async () => {
    expect(await run('')).toEqual({ kind: 'reject', code: 550, status: '5.1.7', text: '<>: Sender address rejected: no bounces' });
  });

  it('completes a bare local part with myorigin', async () => {
    expect(await run('a', { myorigin: 'b.example' })).toMatchObject({ text: '<a>: Sender address rejected: go away' });
  });

  it('does nothing before MAIL FROM', async () => {
    expect(await run(undefined)).toEqual({ kind: 'next' });
  });

  it('a table that cannot answer gives 451 4.3.5, never "not found"', async () => {
    const ctx = policyContext({ sender: 'a@b.example', list: 'sender', tables });
    expect(await check.run(ctx, ['fail:down'])).toEqual({ kind: 'defer', code: 451, status: '4.3.5', text: '<a@b.example>: Sender address rejected: Server configuration error' });
    expect(ctx.notes[0]).toContain('fail:down: lookup of a@b.example failed');
    const none = policyContext({ sender: 'a@b.example', list: 'sender' });
    expect(await check.run(none, [TABLE])).toMatchObject({ code: 451, status: '4.3.5' });
  });

  it('refuses an unknown table type when the config is loaded', () => {
    expect(check.validateArgs?.(['btree:/x'])).toContain('unsupported table type "btree"');
    expect(check.validateArgs?.([TABLE])).toBeUndefined();
    expect(check.tableArgs).toBe(true);
  });
});
