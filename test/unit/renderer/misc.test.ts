import { describe, expect, it } from 'vitest';
import { parseHeaderLines, swaksCommand } from '../../../renderer/features/send/compose';
import { fmtBytes, fmtDuration, fmtRelative } from '../../../renderer/lib/format';
import { toYaml } from '../../../renderer/lib/yamlish';
import { href, parseRoute } from '../../../renderer/app/routes';
import { parse } from 'yaml';

describe('format', () => {
  it('formats durations, relative times and sizes', () => {
    expect([0, 850, 1234, 42_000, 185_000, 7_500_000, 200_000_000].map(fmtDuration)).toEqual(['0 ms', '850 ms', '1.2 s', '42 s', '3 min 5 s', '2 h 5 min', '2 d 8 h']);
    expect(fmtDuration(-1500)).toBe('−1.5 s');
    expect(fmtRelative(13_000, 10_000)).toBe('in 3.0 s');
    expect(fmtRelative(10_000, 70_000)).toBe('1 min 0 s ago');
    expect([512, 2048, 5 * 1024 * 1024].map(fmtBytes)).toEqual(['512 B', '2.0 KiB', '5.0 MiB']);
  });
});

describe('effective config as YAML', () => {
  it('round-trips through a YAML parser', () => {
    const cfg = { hostname: 'mx.test', domains: ['a.test'], networks: { local: ['127.0.0.0/8', '::1/128'], vpn: [] }, listeners: [{ name: 'mx', port: 0, tls: 'starttls' }], dns: { records: {} }, relayhost: '', flag: true, odd: 'yes', colon: 'a: b', n: '12' };
    expect(parse(toYaml(cfg))).toEqual(cfg);
  });
});

describe('send form helpers', () => {
  it('parses extra header lines and reports the first bad one', () => {
    expect(parseHeaderLines('Reply-To: a@b\nX-Long: one\n  two\n')).toEqual({ headers: [{ name: 'Reply-To', value: 'a@b' }, { name: 'X-Long', value: 'one two' }] });
    expect(parseHeaderLines('ok: 1\nnot a header').error).toBe('line 2: expected "Name: value"');
  });
  it('writes the equivalent swaks command', () => {
    expect(swaksCommand({ listener: 'mx', sender: '', recipients: ['a@b.test'], subject: "it's", text: 'hi', xclient: { addr: '203.0.113.7' } }, '127.0.0.1', 2525, 'starttls')).toBe(
      `swaks --server 127.0.0.1:2525 --ehlo compose.relaylab.test --from '<>' --to a@b.test --tls --header 'Subject: it'\\''s' --body hi --xclient-addr 203.0.113.7`,
    );
  });
});

describe('routes', () => {
  it('parses and builds hash routes', () => {
    expect(parseRoute('#/sessions/abc')).toEqual({ name: 'session', sid: 'abc' });
    expect(parseRoute('#/queue/hold')).toEqual({ name: 'queue', state: 'hold' });
    expect(parseRoute('#/queue/bogus')).toEqual({ name: 'queue' });
    expect(parseRoute('')).toEqual({ name: 'sessions' });
    expect(href({ name: 'message', id: 'A/B' })).toBe('#/messages/A%2FB');
  });
});
