import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authservIdOf, isForgedAuthResults, stripForgedAuthResults } from '../../../engine/auth';
import { commentText, pvalue } from '../../../engine/auth/headers';

const FIXTURES = path.join(__dirname, '../../fixtures/eml');

describe('stripForgedAuthResults (RFC 8601 §5)', () => {
  it('removes every A-R claiming our authserv-id, in any case, folded or with comments; keeps the rest byte for byte', () => {
    const raw = fs.readFileSync(path.join(FIXTURES, 'forged-auth-results.eml'), 'latin1');
    const block = raw.slice(0, raw.indexOf('\r\n\r\n') + 4);
    const { headers, removed } = stripForgedAuthResults(block, 'mx.example.com');
    expect(removed).toBe(4);
    expect(headers).not.toMatch(/^Authentication-Results:\s*(\(.*\)\s*)?"?mx\.example\.com\.?"?[\s;]/im);
    expect(headers).toContain('Authentication-Results: mx.other.example; spf=pass smtp.mailfrom=a@b.example\r\n');
    expect(headers).toContain('Authentication-Results: mx.example.com.evil.example; dkim=pass\r\n');
    expect(headers).toContain('ARC-Authentication-Results: i=1; mx.example.com; dkim=pass\r\n');
    expect(headers).toContain('X-Authentication-Results: mx.example.com; dmarc=pass\r\n');
    expect(headers.endsWith('\r\n\r\n')).toBe(true);
  });

  it('finds the authserv-id after comments and in quotes; ignores other fields', () => {
    expect(authservIdOf('Authentication-Results: (c (nested)) MX.Example.COM. 1; none')).toBe('mx.example.com');
    expect(authservIdOf('Authentication-Results: "mx.example.com"; none')).toBe('mx.example.com');
    expect(authservIdOf('Authentication-Results:mx.example.com;none')).toBe('mx.example.com');
    expect(isForgedAuthResults('authentication-results : mx.example.com; spf=pass', 'MX.example.com.')).toBe(true);
    expect(isForgedAuthResults('Authentication-Results-Original: mx.example.com; spf=pass', 'mx.example.com')).toBe(false);
    expect(isForgedAuthResults('Authentication-Results: ; spf=pass', 'mx.example.com')).toBe(false);
  });

  it('works on LF-only blocks and on a block without the empty line', () => {
    const lf = 'A: 1\nAuthentication-Results: mx.example.com;\n\tdkim=pass\nB: 2\n';
    expect(stripForgedAuthResults(lf, 'mx.example.com')).toEqual({ headers: 'A: 1\nB: 2\n', removed: 1 });
  });
});

describe('value and comment escaping', () => {
  it('leaves tokens and addresses bare, quotes the rest', () => {
    expect(pvalue('bob@example.org')).toBe('bob@example.org');
    expect(pvalue('@example.org')).toBe('@example.org');
    expect(pvalue('192.0.2.1')).toBe('192.0.2.1');
    expect(pvalue('2001:db8::1')).toBe('"2001:db8::1"');
    expect(pvalue('a "b" c')).toBe('"a \\"b\\" c"');
    expect(pvalue('x\r\ny')).toBe('"x y"');
  });

  it('escapes parentheses and drops control characters in comments, and caps the length', () => {
    expect(commentText('a (b) \\ c\r\n\td')).toBe('a \\(b\\) \\\\ c d');
    expect(commentText('z'.repeat(500)).length).toBe(200);
  });
});
