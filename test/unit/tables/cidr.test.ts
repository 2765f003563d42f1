import { describe, expect, it } from 'vitest';
import { openTable } from '../../../engine/tables/registry';
import { parseCidr } from '../../../engine/tables/backends/cidr';
import { tempDir } from './temp-dir';

const t = tempDir();

describe('cidr: tables (cidr_table(5))', () => {
  it('first match wins; bare addresses; brackets; IPv6; families never mix', async () => {
    t.write('clients.cidr', [
      '192.0.2.1           OK',
      '192.0.2.0/24        REJECT documentation net',
      '[2001:db8::]/32     REJECT v6 documentation',
      '::ffff:0:0/96       DUNNO mapped',
      '0.0.0.0/0           DUNNO anything else',
    ].join('\n'));
    const tb = openTable('cidr:clients.cidr', { baseDir: t.dir });
    expect(tb.pattern).toBe(true);
    expect(await tb.get('192.0.2.1')).toEqual({ found: true, value: 'OK', line: 1 });
    expect(await tb.get('192.0.2.77')).toEqual({ found: true, value: 'REJECT documentation net', line: 2 });
    expect(await tb.get('2001:db8:1::5')).toMatchObject({ value: 'REJECT v6 documentation' });
    expect(await tb.get('::ffff:192.0.2.1')).toMatchObject({ value: 'DUNNO mapped' });
    expect(await tb.get('198.51.100.1')).toMatchObject({ value: 'DUNNO anything else' });
    expect(await tb.get('2002::1')).toEqual({ found: false });
    expect(await tb.get('mail.example')).toEqual({ found: false });
    expect(await tb.get('[192.0.2.1]')).toEqual({ found: false });
  });

  it('negation and if/endif blocks', async () => {
    t.write('if.cidr', 'if 10.0.0.0/8\n!10.1.0.0/16 REJECT not 10.1\nendif\n10.1.2.3 OK\n');
    const tb = openTable('cidr:if.cidr', { baseDir: t.dir });
    expect(await tb.get('10.2.0.1')).toMatchObject({ value: 'REJECT not 10.1' });
    expect(await tb.get('10.1.2.3')).toMatchObject({ value: 'OK', line: 4 });
    expect(await tb.get('10.1.2.4')).toEqual({ found: false });
    expect(await tb.get('::1')).toEqual({ found: false }); // another family never matches, even negated
  });

  it.each([
    ['192.0.2.1/24 OK', 'non-null host address bits in "192.0.2.1/24", perhaps you should use "192.0.2.0/24" instead'],
    ['2001:db8::1/32 OK', 'non-null host address bits in "2001:db8::1/32", perhaps you should use "2001:db8::/32" instead'],
    ['192.0.2.0/33 OK', 'bad mask length in "192.0.2.0/33"'],
    ['192.0.2.0/x OK', 'bad mask value'],
    ['192.0.2 OK', 'bad address pattern: "192.0.2"'],
    ['192.0.2.0/24', 'no lookup result'],
    ['[192.0.2.0 OK', "missing ']'"],
    ['endif', 'ENDIF without IF'],
  ])('refuses %s with file and line', (line, why) => {
    const file = t.write('bad.cidr', `127.0.0.1 OK\n${line}\n`);
    expect(openTable('cidr:bad.cidr', { baseDir: t.dir }).health().error).toContain(`${file}, line 2: ${why}`);
  });

  it('parses networks to bytes and masks', () => {
    expect(parseCidr('10.0.0.0/8').mask).toEqual(Uint8Array.from([255, 0, 0, 0]));
    expect(parseCidr('10.128.0.0/9').mask).toEqual(Uint8Array.from([255, 128, 0, 0]));
  });
});
