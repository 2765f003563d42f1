// The Content-Security-Policy of the app's pages (Electron checklist item 7), sent as a response
// header: by session.webRequest.onHeadersReceived for the dev server, and by app-protocol.ts for the
// built renderer. The built app gets exactly browser mode's policy (engine/api/http.ts HTML_CSP),
// so one UI meets one policy in both hosts. Pure.

/** The policy of the built app: default-src 'self', nothing inline, no plugins, no framing. */
export const APP_CSP = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/**
 * Development only (the Vite dev server, never a packaged app): Vite's React refresh preamble is an
 * inline <script> and Vite injects CSS as <style> elements, so inline scripts and styles are
 * allowed there. Everything else stays as in APP_CSP; the HMR websocket is same-origin ('self').
 */
export const DEV_CSP = `${APP_CSP}; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'`;

export function cspFor(dev: boolean): string {
  return dev ? DEV_CSP : APP_CSP;
}

/** Response headers as Electron's webRequest gives them: a name → values record. */
export type HeaderRecord = Record<string, string[]>;

/** `headers` with every Content-Security-Policy header (any case) replaced by `csp`. */
export function withCsp(headers: HeaderRecord | undefined, csp: string): HeaderRecord {
  const out: HeaderRecord = {};
  for (const [name, values] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'content-security-policy' || lower === 'content-security-policy-report-only') continue;
    out[name] = values;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}
