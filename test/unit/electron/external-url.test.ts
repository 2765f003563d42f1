// safeExternalUrl: the only gate before shell.openExternal (Electron checklist item 15).
import { describe, expect, it } from 'vitest';
import { EXTERNAL_URL_MAX, safeExternalUrl } from '../../../electron/external-url';

describe('safeExternalUrl', () => {
  it.each([
    ['https://www.rfc-editor.org/rfc/rfc5321', 'https://www.rfc-editor.org/rfc/rfc5321'],
    ['http://127.0.0.1:8025/', 'http://127.0.0.1:8025/'],
    ['HTTPS://Example.ORG', 'https://example.org/'],
    ['https://example.org/a?b=c#d', 'https://example.org/a?b=c#d'],
    ['https://[::1]:8443/x', 'https://[::1]:8443/x'],
  ])('opens %s as %s', (raw, want) => {
    expect(safeExternalUrl(raw)).toBe(want);
  });

  it.each([
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['mailto:bob@example.org'],
    ['smb://server/share'],
    ['ms-msdt:/id PCWDiagnostic'],
    ['app://relaylab/index.html'],
    ['data:text/html,<script>alert(1)</script>'],
    ['//example.org/no-scheme'],
    ['/relative/path'],
    ['https://user:pass@example.org/'],
    ['https://user@example.org/'],
    ['https://example.org/a b'],
    ['https://example.org/\u0000'],
    [' https://example.org/'],
    ['https://example.org/\n'],
    [''],
    ['not a url'],
  ])('refuses %j', (raw) => {
    expect(safeExternalUrl(raw)).toBeNull();
  });

  it('refuses what is not a string, and URLs over the length limit', () => {
    expect(safeExternalUrl(undefined)).toBeNull();
    expect(safeExternalUrl(42)).toBeNull();
    expect(safeExternalUrl({ href: 'https://example.org/' })).toBeNull();
    expect(safeExternalUrl(`https://example.org/${'a'.repeat(EXTERNAL_URL_MAX)}`)).toBeNull();
  });
});
