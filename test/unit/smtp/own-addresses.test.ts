// u@[our own address] is local (Postfix resolve_local over inet_interfaces).
import { describe, expect, it } from 'vitest';
import { canonicalIp, createOwnAddresses } from '../../../engine/smtp/own-addresses';

describe('createOwnAddresses', () => {
  it('a listener bound to one address: that address and the one the client connected to', () => {
    const own = createOwnAddresses('127.0.0.1', () => { throw new Error('interfaces are only read for a wildcard bind'); });
    expect(own.isOwnLiteral('[127.0.0.1]')).toBe(true);
    expect(own.isOwnLiteral('[127.0.0.1].')).toBe(true);
    expect(own.isOwnLiteral('[127.0.0.2]')).toBe(false);
    expect(own.isOwnLiteral('[127.0.0.2]', '::ffff:127.0.0.2')).toBe(true);
    expect(own.isOwnLiteral('[IPv6:::ffff:127.0.0.1]')).toBe(true);
    expect(own.isOwnLiteral('relaylab.test')).toBe(false);
    expect(own.isOwnLiteral('[300.0.0.1]')).toBe(false);
  });

  it('a wildcard bind: every interface address of the machine', () => {
    const own = createOwnAddresses('0.0.0.0', () => ['127.0.0.1', '192.0.2.5', '2001:db8:0:0::5', 'fe80::1']);
    expect(own.isOwnLiteral('[192.0.2.5]')).toBe(true);
    expect(own.isOwnLiteral('[IPv6:2001:DB8::5]')).toBe(true);
    expect(own.isOwnLiteral('[IPv6:2001:db8::6]')).toBe(false);
    expect(own.isOwnLiteral('[192.0.2.6]')).toBe(false);
  });

  it('an IPv6 bind', () => {
    const own = createOwnAddresses('::1');
    expect(own.isOwnLiteral('[IPv6:0:0:0:0:0:0:0:1]')).toBe(true);
    expect(own.isOwnLiteral('[127.0.0.1]')).toBe(false);
  });
});

describe('canonicalIp', () => {
  it('one spelling per address', () => {
    expect(canonicalIp('2001:DB8:0::1')).toBe('2001:db8::1');
    expect(canonicalIp('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(canonicalIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalIp('not an ip')).toBeUndefined();
  });
});
