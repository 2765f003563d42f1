// extract_addr: the one address inside a MAIL/RCPT argument (Postfix tok822 parsing).
import { describe, expect, it } from 'vitest';
import { extractAddress } from '../../../engine/smtp/rfc822-address';

describe('extractAddress', () => {
  it.each([
    ['<s@example.org>', 's@example.org'],
    ['s@example.org', 's@example.org'],
    ['<>', ''],
    ['', ''],
    ['<(just a comment)>', ''],
    ['<"a\\"b"@c.example>', 'a"b@c.example'],
    ['<"u@other.example"@relaylab.test>', 'u@other.example@relaylab.test'],
    ['<u\\@x@relaylab.test>', 'u@x@relaylab.test'],
    ['<@a.example,@b.example:u@c.example>', 'u@c.example'],
    ['<Some One <s@example.org>>', 's@example.org'],
    ['<"Some One" <s@example.org> (and a (nested) comment)>', 's@example.org'],
    ['<s@[192.0.2.1]>', 's@[192.0.2.1]'],
    ['<s @ example . org>', 's@example.org'],
    ['<group: s@example.org;>', 's@example.org'],
    ['<a:b@example.org>', 'a:b@example.org'],
  ])('%s → <%s>', (arg, want) => {
    expect(extractAddress(arg)).toBe(want);
  });

  it.each([
    ['a@b.example c@d.example'],
    ['<a@b.example,c@d.example>'],
    ['<a@b.example>x'],
    ['<a b>'],
  ])('%s holds two addresses: undefined', (arg) => {
    expect(extractAddress(arg)).toBeUndefined();
  });
});
