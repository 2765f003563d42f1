// UI benchmark (issue 6, item 7): stores N sessions (default 10,000) through the engine's own
// trace bus and recorder, then measures in Debian's Chromium, with the built renderer served by
// the HTTP API: time to first render of the sessions list (a full page load), time to open a
// session (a full load of its address, and a click-like in-app navigation), and frame times while
// scrolling the list through older pages. Reports medians; never a pass/fail on time.
// usage: main(['--sessions', '10000', '--runs', '5'])
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { TraceEvent } from '../engine/trace/events';
import { buildRenderer, haveChromium, launchChromium, startLab, type Lab } from '../test/e2e/harness';

interface Options {
  sessions: number;
  runs: number;
  opens: number;
}

function parse(args: string[]): Options {
  const o: Options = { sessions: 10_000, runs: 5, opens: 15 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = Number(args[i + 1]);
    if (a === '--sessions' && v > 0) (o.sessions = v), i++;
    else if (a === '--runs' && v > 0) (o.runs = v), i++;
    else if (a === '--opens' && v > 0) (o.opens = v), i++;
    else if (a === 'ui') continue;
    else throw new Error(`bench ui: unknown argument ${a}\nusage: bench ui [--sessions N] [--runs N] [--opens N]`);
  }
  return o;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const ms = (n: number): string => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

/** One realistic session's events: accepted (70 %), relay-refused (20 %) or a probe (10 %). */
function sessionEvents(i: number, at: number): TraceEvent[] {
  const sid = `bench${String(i).padStart(11, '0')}`;
  const ip = `203.0.${(i >> 8) & 255}.${i & 255}`;
  const helo = `host${i}.example.net`;
  const kind = i % 10 < 7 ? 'accepted' : i % 10 < 9 ? 'rejected' : 'probe';
  let t = at;
  const ev: TraceEvent[] = [
    { t: 'session.open', sid, at: t, listener: 'mx', role: 'mx', local: { ip: '127.0.0.1', port: 25 }, peer: { ip, port: 40000 + (i % 20000), name: 'unknown' }, net: 'public', tls: false },
  ];
  const s = (line: string, check?: string): void => void ev.push({ t: 'smtp', sid, at: (t += 2), dir: 'S', line, ...(check ? { check } : {}) });
  const c = (line: string): void => void ev.push({ t: 'smtp', sid, at: (t += 3), dir: 'C', line });
  s('220 mx.relaylab.test ESMTP Relay Lab');
  c(`EHLO ${helo}`);
  for (const l of ['250-mx.relaylab.test', '250-PIPELINING', '250-8BITMIME', '250-ENHANCEDSTATUSCODES', '250-STARTTLS', '250 SIZE 10240000']) s(l);
  ev.push({ t: 'helo', sid, at: t, helo, esmtp: true });
  if (kind !== 'probe') {
    c(`MAIL FROM:<sender${i}@example.net>`);
    s('250 2.1.0 Ok');
    const rcpt = kind === 'accepted' ? `user${i % 50}@relaylab.test` : `user@elsewhere${i % 7}.test`;
    c(`RCPT TO:<${rcpt}>`);
    if (kind === 'accepted') {
      ev.push({ t: 'check', sid, txn: `${sid}.1`, at: t, stage: 'rcpt', list: 'relay', check: 'reject_unauth_destination', verdict: { kind: 'next' }, detail: 'relaylab.test is a local domain' });
      s('250 2.1.5 Ok');
      c('DATA');
      s('354 End data with <CR><LF>.<CR><LF>');
      const id = `B${String(i).padStart(11, '0')}`;
      ev.push({ t: 'message.accepted', sid, txn: `${sid}.1`, id, at: (t += 20), sender: `sender${i}@example.net`, rcpts: [rcpt], size: 2048, headersAdded: ['Received'] });
      s(`250 2.0.0 Ok: queued as ${id}`);
    } else {
      ev.push({ t: 'check', sid, txn: `${sid}.1`, at: t, stage: 'rcpt', list: 'relay', check: 'reject_unauth_destination', verdict: { kind: 'reject', code: 554, status: '5.7.1', text: `<${rcpt}>: Relay access denied` } });
      s(`554 5.7.1 <${rcpt}>: Relay access denied`, 'reject_unauth_destination');
    }
  }
  c('QUIT');
  s('221 2.0.0 Bye');
  ev.push({ t: 'session.close', sid, at: (t += 1) });
  return ev;
}

async function seed(lab: Lab, n: number): Promise<{ sids: string[]; seconds: number }> {
  const t0 = performance.now();
  const bus = lab.te.engine.bus;
  const start = Date.now() - n * 1000;
  const sids: string[] = [];
  for (let i = 0; i < n; i++) {
    for (const e of sessionEvents(i, start + i * 1000)) bus.emit(e);
    sids.push(`bench${String(i).padStart(11, '0')}`);
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
  }
  // The recorder writes lazily: wait until the store holds every event.
  for (;;) {
    const st = await lab.te.engine.api['engine.status']({});
    if (st.lastSeq >= bus.lastSeq) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { sids, seconds: (performance.now() - t0) / 1000 };
}

type Perf = { getEntriesByName(n: string): { startTime: number; detail?: unknown }[]; now(): number; clearMarks(): void };
type Win = { performance: Perf; location: { hash: string }; document: { querySelector(s: string): { scrollTop: number; scrollHeight: number; clientHeight: number } | null }; requestAnimationFrame(cb: (t: number) => void): number };

/** Waits for a performance mark and returns its startTime (ms since the navigation started). */
async function markTime(page: Page, name: string, detail?: string): Promise<number> {
  const h = await page.waitForFunction(
    ([n, d]) => {
      const e = (globalThis as unknown as Win).performance.getEntriesByName(n as string).filter((x) => d === undefined || x.detail === d);
      return e.length ? e[e.length - 1]!.startTime : false;
    },
    [name, detail] as const,
    { timeout: 30_000, polling: 10 },
  );
  return (await h.jsonValue()) as number;
}

export interface UiBenchResult {
  sessions: number;
  seedSeconds: number;
  apiListMs: number;
  listFirstRenderMs: number[];
  sessionFullLoadMs: number[];
  sessionOpenMs: number[];
  scroll: { rowsLoaded: number; frames: number; p50: number; p95: number; max: number; over50: number };
  live: { sessions: number; events: number; emitMs: number; lastVisibleMs: number; frameP95: number; frameMax: number };
}

export async function main(args: string[] = []): Promise<UiBenchResult | undefined> {
  const o = parse(args);
  if (!haveChromium()) {
    process.stderr.write('bench ui: /usr/bin/chromium is missing (apt-get install -y chromium)\n');
    process.exitCode = 1;
    return undefined;
  }
  process.stdout.write(`bench ui: building the renderer…\n`);
  const staticDir = await buildRenderer();
  const lab = await startLab(staticDir);
  const browser = await launchChromium();
  try {
    process.stdout.write(`bench ui: storing ${o.sessions.toLocaleString()} sessions through the trace bus…\n`);
    const { sids, seconds } = await seed(lab, o.sessions);

    const apiTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await lab.te.engine.api['sessions.list']({ limit: 200 });
      apiTimes.push(performance.now() - t);
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(lab.loginUrl); // sets the cookie (not measured)
    await markTime(page, 'relaylab:sessions:rendered');

    const list: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      await page.goto(`${lab.http.url}#/sessions`, { waitUntil: 'commit' });
      await page.reload({ waitUntil: 'commit' });
      list.push(await markTime(page, 'relaylab:sessions:rendered'));
    }

    const full: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const sid = sids[Math.floor((r + 0.5) * (sids.length / o.runs))]!;
      await page.goto(`${lab.http.url}#/sessions/${sid}`, { waitUntil: 'commit' });
      await page.reload({ waitUntil: 'commit' });
      full.push(await markTime(page, 'relaylab:session:rendered', sid));
    }

    // In-app: from the list, open sessions one after the other (what a click does).
    await page.goto(`${lab.http.url}#/sessions`);
    await markTime(page, 'relaylab:sessions:rendered');
    const open: number[] = [];
    for (let r = 0; r < o.opens; r++) {
      const sid = sids[(r * 7919) % sids.length]!;
      const t0 = await page.evaluate((s) => {
        const w = globalThis as unknown as Win;
        const t = w.performance.now();
        w.location.hash = `#/sessions/${s}`;
        return t;
      }, sid);
      open.push((await markTime(page, 'relaylab:session:rendered', sid)) - t0);
      await page.evaluate(() => ((globalThis as unknown as Win).location.hash = '#/sessions'));
      await page.getByTestId('sessions-list').waitFor();
    }

    // Scroll the list for 4 s, about 3 rows a frame, letting older pages load as they come.
    await page.getByTestId('sessions-list').waitFor();
    // (A string, not a function: tsx would wrap inner functions in a helper the page lacks.)
    const scroll = (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('[data-testid="sessions-list"]');
      const frames = [];
      let last = performance.now();
      const end = last + 4000;
      function step(now) {
        frames.push(now - last);
        last = now;
        el.scrollTop = Math.min(el.scrollTop + 130, el.scrollHeight - el.clientHeight);
        if (now < end) requestAnimationFrame(step);
        else resolve({ frames, rows: Math.round(el.scrollHeight / 44) });
      }
      requestAnimationFrame(step);
    })`)) as { frames: number[]; rows: number };
    const f = scroll.frames.slice(1);

    // Live: a burst of new sessions while the list is open (the scroll position is back at the top).
    await page.evaluate(`document.querySelector('[data-testid="sessions-list"]').scrollTop = 0`);
    const burst = Math.min(2000, o.sessions);
    await page.evaluate(`window.__frames = []; (function loop(last) { requestAnimationFrame((now) => { window.__frames.push(now - last); if (!window.__stopFrames) loop(now); }); })(performance.now())`);
    const tBurst = Date.now();
    const base = Date.now();
    for (let i = 0; i < burst; i++) {
      for (const e of sessionEvents(o.sessions + i, base + i)) lab.te.engine.bus.emit(e);
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    const emitted = Date.now() - tBurst;
    const lastSid = `bench${String(o.sessions + burst - 1).padStart(11, '0')}`;
    await page.locator(`[data-key="${lastSid}"]`).waitFor({ timeout: 60_000 });
    const visibleAfter = Date.now() - tBurst;
    const liveFrames = ((await page.evaluate(`window.__stopFrames = true; window.__frames.slice(1)`)) as number[]);
    const eventsPerSession = sessionEvents(0, 0).length;
    const result: UiBenchResult = {
      sessions: o.sessions,
      seedSeconds: seconds,
      apiListMs: median(apiTimes),
      listFirstRenderMs: list,
      sessionFullLoadMs: full,
      sessionOpenMs: open,
      scroll: { rowsLoaded: scroll.rows, frames: f.length, p50: median(f), p95: pct(f, 95), max: Math.max(...f), over50: f.filter((x) => x > 50).length },
      live: { sessions: burst, events: burst * eventsPerSession, emitMs: emitted, lastVisibleMs: visibleAfter, frameP95: pct(liveFrames, 95), frameMax: Math.max(...liveFrames) },
    };
    const lines = [
      '',
      `UI benchmark, ${o.sessions.toLocaleString()} stored sessions (Chromium ${browser.version()}, 1280x800, headless)`,
      `  stored in                                   ${seconds.toFixed(1)} s (trace bus → recorder → SQLite)`,
      `  sessions.list, 200 rows (API, in process)   ${ms(result.apiListMs)} median`,
      `  sessions list, first render (page load)     ${ms(median(list))} median of ${list.length} (min ${ms(Math.min(...list))}, max ${ms(Math.max(...list))})`,
      `  session view, first render (page load)      ${ms(median(full))} median of ${full.length} (min ${ms(Math.min(...full))}, max ${ms(Math.max(...full))})`,
      `  session view, opened from the list          ${ms(median(open))} median of ${open.length}, p95 ${ms(pct(open, 95))}`,
      `  list scrolling, 4 s at ~3 rows/frame        frame p50 ${ms(result.scroll.p50)}, p95 ${ms(result.scroll.p95)}, max ${ms(result.scroll.max)}, ${result.scroll.over50} of ${f.length} frames over 50 ms; ${result.scroll.rowsLoaded.toLocaleString()} rows loaded by the end`,
      `  live burst: ${burst.toLocaleString()} new sessions (${result.live.events.toLocaleString()} events) emitted in ${ms(emitted)}; the last one was on screen after ${ms(visibleAfter)}; frames meanwhile p95 ${ms(result.live.frameP95)}, max ${ms(result.live.frameMax)}`,
      '  (Page-load figures run from the start of the navigation to the first paint with data: fetch of',
      '   the app, engine.status, the first 200 rows or the transcript, React render. Machines are shared: compare medians.)',
      '',
    ];
    process.stdout.write(lines.join('\n'));
    return result;
  } finally {
    await browser.close();
    await lab.stop();
    fs.rmSync(staticDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`bench ui: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
