import { describe, expect, it } from 'vitest';
import check from '../../../../engine/policy/checks/permit_mynetworks';
import { policyContext } from '../../../helpers/policy-context';
import type { NetworkClass } from '../../../../engine/config/schema';

describe('permit_mynetworks', () => {
  it.each([
    ['local', ['local'], 'accept'],
    ['vpn', ['local'], 'next'],
    ['vpn', ['local', 'vpn'], 'accept'],
    ['public', ['local', 'vpn'], 'next'],
    ['local', [], 'next'],
  ] as const)('client %s with relay_from %j → %s', async (net, relayFrom, kind) => {
    const ctx = policyContext({ client: { net: net as NetworkClass }, listener: { relayFrom: [...relayFrom] } });
    expect(await check.run(ctx, [])).toEqual({ kind });
    expect(ctx.notes.join()).toContain(net);
  });
});
