// app://relaylab/: serves the built renderer (.vite/renderer/<name>/, inside the asar) to the window
// instead of file:// (Electron checklist item 18), with the CSP as a real response header. Only
// files under the renderer folder; a path without an extension is a client-side route and gets
// index.html. resolveAppRequest is pure; registerAppProtocol needs Electron's protocol and net.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Net, Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-frame';
import { CONTENT_TYPES } from '../engine/api/mime';


export type AppFile = { file: string; type: string } | { status: 400 | 404 | 405; reason: string };

/** Map a request on app://relaylab/ to a file under `rendererDir` (absolute), or a refusal. */
export function resolveAppRequest(rendererDir: string, url: string, method = 'GET'): AppFile {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, reason: 'only GET' };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { status: 400, reason: 'bad URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host.toLowerCase() !== APP_HOST) return { status: 404, reason: 'not the app origin' };
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return { status: 400, reason: 'bad percent-encoding' };
  }
  if (rel.includes('\0') || rel.includes('\\')) return { status: 400, reason: 'bad path' };
  const root = path.resolve(rendererDir);
  const ext = path.posix.extname(rel).toLowerCase();
  // "/" and client-side routes ("/sessions/abc") are the single page.
  const target = rel === '/' || rel === '' || ext === '' ? '/index.html' : rel;
  const file = path.resolve(root, `.${path.posix.normalize(target)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return { status: 404, reason: 'outside the renderer folder' };
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()];
  if (!type) return { status: 404, reason: 'unknown file type' };
  return { file, type };
}

/** Privileges for app:// (call protocol.registerSchemesAsPrivileged with this before app ready). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

/** Serve `rendererDir` on app://relaylab/ with `csp` on every response. */
export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, net: Pick<Net, 'fetch'>, rendererDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppRequest(rendererDir, request.url, request.method);
    const base = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' };
    if ('status' in r) return new Response(`${r.status} ${r.reason}\n`, { status: r.status, headers: { ...base, 'Content-Type': 'text/plain; charset=utf-8' } });
    const notFound = () => new Response('404 not found\n', { status: 404, headers: { ...base, 'Content-Type': 'text/plain; charset=utf-8' } });
    let res: Response;
    try {
      res = await net.fetch(pathToFileURL(r.file).href); // reads inside app.asar too
    } catch {
      return notFound(); // a missing file rejects (net::ERR_FILE_NOT_FOUND) rather than answering 404
    }
    if (!res.ok) return notFound();
    return new Response(request.method === 'HEAD' ? null : res.body, { status: 200, headers: { ...base, 'Content-Type': r.type } });
  });
}
