// app://relaylab/ → files of the built renderer; nothing outside it; the CSP on every response.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppRequest } from '../../../electron/app-protocol';
import { APP_CSP, cspFor, DEV_CSP, withCsp } from '../../../electron/csp';

const root = path.resolve('/srv/app/.vite/renderer/main_window');
const file = (p: string) => path.join(root, p);

describe('resolveAppRequest', () => {
  it('serves files under the renderer folder with their content type', () => {
    expect(resolveAppRequest(root, 'app://relaylab/index.html')).toEqual({ file: file('index.html'), type: 'text/html; charset=utf-8' });
    expect(resolveAppRequest(root, 'app://relaylab/assets/index-abc.js')).toEqual({ file: file('assets/index-abc.js'), type: 'text/javascript; charset=utf-8' });
    expect(resolveAppRequest(root, 'app://relaylab/assets/a%20b.css')).toEqual({ file: file('assets/a b.css'), type: 'text/css; charset=utf-8' });
  });

  it('"/" and client-side routes are the single page', () => {
    for (const u of ['app://relaylab/', 'app://relaylab', 'app://relaylab/sessions/S1', 'app://relaylab/queue?state=deferred']) {
      expect(resolveAppRequest(root, u)).toEqual({ file: file('index.html'), type: 'text/html; charset=utf-8' });
    }
  });

  it('never leaves the renderer folder', () => {
    for (const u of ['app://relaylab/../../etc/passwd.txt', 'app://relaylab/%2e%2e/%2e%2e/etc/passwd.txt', 'app://relaylab/assets/..%2f..%2f..%2fsecret.json', 'app://relaylab/%2e%2e%2fx.js']) {
      const r = resolveAppRequest(root, u);
      if ('file' in r) expect(r.file.startsWith(root + path.sep)).toBe(true);
    }
    expect(resolveAppRequest(root, 'app://relaylab/a%5c..%5csecret.js')).toMatchObject({ status: 400 });
    expect(resolveAppRequest(root, 'app://relaylab/a%00.js')).toMatchObject({ status: 400 });
    expect(resolveAppRequest(root, 'app://relaylab/%E0%A4%A')).toMatchObject({ status: 400 });
  });

  it('refuses other hosts, other schemes, unknown file types and methods other than GET/HEAD', () => {
    expect(resolveAppRequest(root, 'app://other/index.html')).toMatchObject({ status: 404 });
    expect(resolveAppRequest(root, 'https://relaylab/index.html')).toMatchObject({ status: 404 });
    expect(resolveAppRequest(root, 'app://relaylab/db.sqlite')).toMatchObject({ status: 404 });
    expect(resolveAppRequest(root, 'app://relaylab/index.html', 'POST')).toMatchObject({ status: 405 });
    expect(resolveAppRequest(root, 'app://relaylab/index.html', 'HEAD')).toMatchObject({ file: file('index.html') });
  });
});

describe('CSP', () => {
  it("the built app gets default-src 'self' and nothing inline", () => {
    expect(APP_CSP.split('; ')[0]).toBe("default-src 'self'");
    expect(APP_CSP).not.toContain('unsafe');
    expect(cspFor(false)).toBe(APP_CSP);
  });

  it('the dev server gets inline scripts and styles (Vite), nothing else more', () => {
    expect(cspFor(true)).toBe(DEV_CSP);
    expect(DEV_CSP.startsWith(APP_CSP)).toBe(true);
    expect(DEV_CSP).not.toContain('unsafe-eval');
  });

  it('withCsp replaces any CSP header, whatever its case, and keeps the others', () => {
    const h = withCsp({ 'content-security-policy': ['script-src *'], 'Content-Security-Policy-Report-Only': ['x'], 'Content-Type': ['text/html'] }, APP_CSP);
    expect(h).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] });
    expect(withCsp(undefined, APP_CSP)).toEqual({ 'Content-Security-Policy': [APP_CSP] });
  });
});
