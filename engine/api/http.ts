// The browser bridge: POST /api/<method> → dispatch(); GET /api/events → Server-Sent Events of the
// trace; the built UI as static files. Plain node:http. Trust: anything that can reach the port is
// hostile until it shows the token (Bearer header or the HttpOnly cookie set by /?token=); the
// Host/Origin checks stop DNS rebinding and cross-site pages. No CORS, ever.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import path from 'node:path';
import type { StoredEvent } from '../trace/events';
import { CONTENT_TYPES } from './mime';
import type { EngineApi, ErrorCode, Reply } from './contract';
import { dispatch } from './dispatch';

/** Where SSE gets trace events. Implemented by the trace recorder/store. */
export interface EventFeed {
  /** Stored events with seq > `seq`, ascending by seq, at most `limit` of them. */
  since(seq: number, limit: number): StoredEvent[];
  /** Live events in ascending seq order, as they are published; returns the unsubscribe function. */
  subscribe(fn: (e: StoredEvent) => void): () => void;
  /**
   * The highest seq handed to subscribers so far (TraceBus.lastSeq). Give it when the store may lag
   * behind the live stream (publish, then store later): a replay then waits for the store to hold
   * every event published before the client subscribed. Without it, since() must see an event no
   * later than subscribers get it.
   */
  lastSeq?(): number;
}

export interface HttpApiOptions {
  /** Bind address; the caller passes a loopback address (127.0.0.1). */
  address: string;
  /** 0 picks a free port. */
  port: number;
  /** The secret a client must present; at least 16 characters. */
  token: string;
  impl: EngineApi;
  events: EventFeed;
  /** The built UI; without it "/" answers a plain-text "UI not built" page. */
  staticDir?: string;
  log?: (line: string) => void;
  /** SSE heartbeat comment interval, ms (default 15 000). */
  heartbeatMs?: number;
  /** An SSE client whose unsent output grows past this many bytes is dropped (default 8 MiB). */
  sseMaxBufferBytes?: number;
}

export interface HttpApi {
  port: number;
  /** Base URL, e.g. "http://127.0.0.1:8025/" (without the token). */
  url: string;
  close(): Promise<void>;
}

export const BODY_LIMIT = 1024 * 1024;
export const TOKEN_COOKIE = 'relaylab_token';
const REPLAY_PAGE = 1000;
/** Live events held while a reconnecting client is still replaying; past this it is dropped. */
const MAX_PENDING = 10_000;
/** While the store lags behind the live stream: how often and how many times to look again. */
const STORE_LAG_POLL_MS = 20;
const STORE_LAG_TRIES = 250;
const HTML_CSP = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";


export async function startHttpApi(o: HttpApiOptions): Promise<HttpApi> {
  if (typeof o.token !== 'string' || o.token.length < 16) throw new Error('startHttpApi: the token must be a string of at least 16 characters');
  const log = o.log ?? (() => {});
  const heartbeatMs = o.heartbeatMs ?? 15_000;
  const sseMax = o.sseMaxBufferBytes ?? 8 * 1024 * 1024;
  const tokenDigest = digest(o.token);
  const tokenOk = (candidate: string | undefined | null): boolean =>
    typeof candidate === 'string' && candidate.length > 0 && timingSafeEqual(digest(candidate), tokenDigest);
  const staticRoot = o.staticDir ? await realDir(o.staticDir, log) : null;

  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  const sseStreams = new Set<ServerResponse>();

  // ------------------------------------------------------------------ routing
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');

    const url = req.url ?? '';
    const qi = url.indexOf('?');
    const rawPath = qi < 0 ? url : url.slice(0, qi);
    const query = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1));
    const isApi = rawPath === '/api' || rawPath.startsWith('/api/');
    const refuse = (status: number, code: ErrorCode, message: string, headers: OutgoingHttpHeaders = {}): void =>
      isApi ? sendJson(res, status, { ok: false, error: { code, message } }, headers) : sendText(res, status, message, headers);

    // DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still sends Host: evil.example.
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) return refuse(403, 'API.FORBIDDEN', 'forbidden: Host header not allowed');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) return refuse(403, 'API.FORBIDDEN', 'forbidden: cross-origin request');
    if (!rawPath.startsWith('/')) return refuse(400, 'API.BAD_INPUT', 'bad request target');
    if (req.method === 'OPTIONS') return refuse(405, 'API.METHOD_NOT_ALLOWED', 'OPTIONS is not supported (no CORS)', { Allow: 'GET, HEAD, POST' });

    if (isApi) {
      if (!tokenOk(bearer(req)) && !tokenOk(cookieToken(req))) {
        return refuse(401, 'API.UNAUTHORIZED', 'missing or wrong token', { 'WWW-Authenticate': 'Bearer realm="relaylab"' });
      }
      if (rawPath === '/api/events') {
        if (req.method !== 'GET') return refuse(405, 'API.METHOD_NOT_ALLOWED', 'use GET for /api/events', { Allow: 'GET' });
        return openEventStream(req, res, query);
      }
      if (req.method !== 'POST') return refuse(405, 'API.METHOD_NOT_ALLOWED', 'use POST for /api/<method>', { Allow: 'POST' });
      return callMethod(req, res, rawPath.slice('/api/'.length));
    }
    return serveUi(req, res, rawPath, query, refuse);
  }

  // ------------------------------------------------------------------ POST /api/<method>
  async function callMethod(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const body = await readBody(req, BODY_LIMIT);
    if (body === 'aborted') return void res.destroy();
    if (body === 'too-large') {
      return sendJson(res, 413, { ok: false, error: { code: 'API.TOO_LARGE', message: `request body over ${BODY_LIMIT} bytes` } }, { Connection: 'close' });
    }
    let input: unknown;
    if (body.length > 0) {
      try {
        input = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'API.BAD_INPUT', message: 'the request body is not valid UTF-8 JSON' } });
      }
    }
    const reply = await dispatch(o.impl, method, input, { onError: (m, err) => log(`api: ${m} failed: ${errText(err)}`) });
    let text: string;
    try {
      text = JSON.stringify(reply);
    } catch (err) {
      log(`api: ${method} returned a value that is not JSON-safe: ${errText(err)}`);
      text = JSON.stringify({ ok: false, error: { code: 'API.INTERNAL', message: `${method} failed: internal error (see the engine log)` } });
    }
    sendRaw(res, 200, text, 'application/json; charset=utf-8');
  }

  // ------------------------------------------------------------------ GET /api/events (SSE)
  function openEventStream(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    const header = req.headers['last-event-id'];
    const rawLast = typeof header === 'string' && header.trim() !== '' ? header.trim() : query.get('since');
    if (rawLast !== null && !/^\d{1,15}$/.test(rawLast)) {
      return sendJson(res, 400, { ok: false, error: { code: 'API.BAD_INPUT', message: 'Last-Event-ID / since: expected an event sequence number' } });
    }
    // Without a starting point the stream is live only; with one it replays what came after it first.
    let lastSent = rawLast === null ? -1 : Number(rawLast);
    let replaying = rawLast !== null;
    let closed = false;
    const pending: StoredEvent[] = [];

    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 1000\n: relaylab trace events\n\n');
    sseStreams.add(res);

    const drop = (why: string): void => {
      if (closed) return;
      log(`api: events client dropped: ${why}`);
      res.destroy();
    };
    /** Writes one event unless already sent; false when the client should be paused for (or is gone). */
    const send = (e: StoredEvent): boolean => {
      if (closed || e.seq <= lastSent) return !closed;
      lastSent = e.seq;
      const flushed = res.write(`id: ${e.seq}\nevent: trace\ndata: ${JSON.stringify(e)}\n\n`);
      if (res.writableLength > sseMax) {
        drop(`more than ${sseMax} bytes unsent (not reading)`);
        return false;
      }
      return flushed;
    };

    let unsubscribe: () => void = () => {};
    const heartbeat = setInterval(() => {
      if (res.writableLength > sseMax) return drop('not reading');
      res.write(': hb\n\n');
    }, heartbeatMs);
    heartbeat.unref();
    res.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      sseStreams.delete(res);
      unsubscribe();
    });

    // Subscribe first, then replay: live events that arrive meanwhile wait in `pending`. Everything
    // up to `head` was published before we subscribed, so it can only come from the store.
    unsubscribe = o.events.subscribe((e) => {
      try {
        if (closed) return;
        if (!replaying) return void send(e);
        pending.push(e);
        if (pending.length > MAX_PENDING) drop('fell behind while replaying');
      } catch (err) {
        log(`api: events: ${errText(err)}`);
      }
    });
    const head = o.events.lastSeq?.();
    if (head !== undefined && lastSent > head) {
      // The client saw a history this store does not have (a fresh data dir): all of ours is new to it.
      log(`api: events: Last-Event-ID ${lastSent} is ahead of the trace (${head}); replaying from the start`);
      lastSent = 0;
    }

    if (replaying) {
      void replay().catch((err: unknown) => {
        log(`api: events replay failed: ${errText(err)}`);
        res.destroy();
      });
    }

    async function replay(): Promise<void> {
      let lagTries = 0;
      while (!closed) {
        const page = o.events.since(lastSent, REPLAY_PAGE);
        // Events after `head` reach us live (they are in `pending`); the replay stops at head.
        const wanted = head === undefined ? page : page.filter((e) => e.seq <= head);
        let flushed = true;
        for (const e of wanted) flushed = send(e) && flushed;
        if (closed) return;
        if (page.length === REPLAY_PAGE && wanted.length === page.length) {
          if (!flushed) await drained(res);
          continue;
        }
        if (head !== undefined && lastSent < head) {
          // The store has not written everything published before we subscribed yet: look again.
          if (lagTries++ < STORE_LAG_TRIES) {
            await sleep(STORE_LAG_POLL_MS);
            continue;
          }
          log(`api: events: the store still lacks events ${lastSent + 1}..${head}; continuing live without them`);
        }
        // Caught up. In this same tick (no event can slip in) hand over to live; buffered events
        // the store already gave us are skipped by send() (seq <= lastSent).
        replaying = false;
        for (const e of pending.splice(0)) send(e);
        return;
      }
    }
  }

  // ------------------------------------------------------------------ the UI (static files)
  async function serveUi(
    req: IncomingMessage,
    res: ServerResponse,
    rawPath: string,
    query: URLSearchParams,
    refuse: (status: number, code: ErrorCode, message: string, headers?: OutgoingHttpHeaders) => void,
  ): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'API.METHOD_NOT_ALLOWED', 'method not allowed', { Allow: 'GET, HEAD' });
    const isIndex = rawPath === '/' || rawPath === '/index.html';
    const queryToken = query.get('token');
    if (isIndex && queryToken !== null) {
      if (!tokenOk(queryToken)) return refuse(401, 'API.UNAUTHORIZED', 'wrong token: open the address printed when the engine started');
      // Trade the token in the URL for a cookie, and get it out of the address bar and history.
      res.writeHead(302, {
        Location: '/',
        'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(o.token)}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return void res.end();
    }
    if (!tokenOk(bearer(req)) && !tokenOk(cookieToken(req))) {
      return refuse(401, 'API.UNAUTHORIZED', 'not signed in: open the address printed when the engine started (it ends in ?token=...)');
    }
    if (!staticRoot) {
      if (isIndex) return sendText(res, 200, 'Relay Lab engine is running. The UI is not built, so there is nothing to show here; the API is at /api/<method>.\n');
      return refuse(404, 'API.NOT_FOUND', 'not found');
    }
    const segments = safeSegments(rawPath);
    if (!segments) return refuse(400, 'API.BAD_INPUT', 'bad path');
    let file = await resolveFile(staticRoot, segments.length ? segments : ['index.html']);
    // Client-side routes (/queue, /sessions/abc) get the app; anything that looks like a file does not.
    if (!file && !/\.[A-Za-z0-9]+$/.test(segments[segments.length - 1] ?? '')) file = await resolveFile(staticRoot, ['index.html']);
    if (!file) return refuse(404, 'API.NOT_FOUND', 'not found');

    const type = CONTENT_TYPES[path.extname(file.path).toLowerCase()] ?? 'application/octet-stream';
    const headers: OutgoingHttpHeaders = { 'Content-Type': type, 'Content-Length': file.size };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = HTML_CSP;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(file.path);
    stream.on('error', (err) => {
      log(`api: reading ${file.path}: ${errText(err)}`);
      res.destroy();
    });
    stream.pipe(res);
  }

  // ------------------------------------------------------------------ server
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`api: ${req.method} ${(req.url ?? '').split('?')[0]} failed: ${errText(err)}`);
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'the port is in use (another relaylab? set ui.port)' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(Object.assign(new Error(`UI/API: cannot listen on ${o.address}:${o.port}: ${why}`, { cause: err }), { code: err.code }));
    };
    server.once('error', onError);
    server.listen({ host: o.address, port: o.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log(`api: server error: ${errText(err)}`));

  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  // A specific IP literal we are bound to cannot be rebound by DNS, so it is allowed too.
  const family = isIP(o.address);
  if (family === 4 && o.address !== '0.0.0.0') hosts.push(`${o.address}:${port}`);
  if (family === 6 && o.address !== '::') hosts.push(`[${o.address.toLowerCase()}]:${port}`);
  allowedHosts = new Set(hosts);
  allowedOrigins = new Set(hosts.map((h) => `http://${h}`));
  const urlHost = family === 6 ? `[${o.address}]` : o.address;

  return {
    port,
    url: `http://${urlHost}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const res of sseStreams) res.end();
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------- helpers

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== TOKEN_COOKIE) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The body, up to `limit` bytes; past that it stops reading (the caller answers 413 and closes). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too-large' | 'aborted'): void => {
      if (done) return;
      done = true;
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort);
      resolve(v);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        req.pause();
        chunks.length = 0;
        return finish('too-large');
      }
      chunks.push(c);
    };
    const onEnd = (): void => finish(Buffer.concat(chunks, size));
    const onAbort = (): void => finish('aborted');
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onAbort);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

/** URL path → decoded segments, or null if any segment could step outside the folder or hide. */
function safeSegments(rawPath: string): string[] | null {
  const out: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    // "..", ".", dotfiles, separators (also Windows ones), drive letters, NUL and control characters.
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (seg.startsWith('.') || /[/\\:\u0000-\u001f\u007f]/.test(seg)) return null;
    out.push(seg);
  }
  return out;
}

async function realDir(dir: string, log: (line: string) => void): Promise<string | null> {
  try {
    const real = await fsp.realpath(dir);
    if ((await fsp.stat(real)).isDirectory()) return real;
  } catch {
    // fall through
  }
  log(`api: UI folder ${dir} not found; serving the API only`);
  return null;
}

/** A regular file under root (after resolving symlinks), or null. */
async function resolveFile(root: string, segments: string[]): Promise<{ path: string; size: number } | null> {
  try {
    const real = await fsp.realpath(path.join(root, ...segments));
    if (!real.startsWith(root + path.sep)) return null;
    const st = await fsp.stat(real);
    return st.isFile() ? { path: real, size: st.size } : null;
  } catch {
    return null;
  }
}

function sendRaw(res: ServerResponse, status: number, body: string, type: string, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, reply: Reply<unknown>, headers: OutgoingHttpHeaders = {}): void {
  sendRaw(res, status, JSON.stringify(reply), 'application/json; charset=utf-8', headers);
}

function sendText(res: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  sendRaw(res, status, text.endsWith('\n') ? text : `${text}\n`, 'text/plain; charset=utf-8', headers);
}

function errText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}
