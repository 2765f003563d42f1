// Turns a session (its wire lines and trace events) into the rows of a two-sided transcript:
// client commands, server replies (multi-line replies grouped, each linked to the check that
// produced it), and markers (TLS, AUTH, XCLIENT, accepted/refused, DNS, policy decisions).
import type { SessionDetail, TranscriptLine } from '../../engine/api/contract';
import type { StoredEvent } from './types';
import { explainCommand, explainReply, parseReplyLine, type ReplyMeaning } from './reply-codes';

export type CheckEvent = Extract<StoredEvent, { t: 'check' }>;
export type MailauthEvent = Extract<StoredEvent, { t: 'mailauth' }>;
export type DnsEvent = Extract<StoredEvent, { t: 'dns' }>;

export type MarkerTone = 'tls' | 'auth' | 'info' | 'ok' | 'bad';

export type TranscriptRow =
  | { kind: 'client'; key: string; seq: number; at: number; gapMs?: number; line: string; explain?: string }
  | {
      kind: 'reply';
      key: string;
      seq: number;
      at: number;
      gapMs?: number;
      lines: TranscriptLine[];
      code: number;
      enhanced?: string;
      meaning: ReplyMeaning;
      /** Name of the check that produced this reply (TranscriptLine.check). */
      checkName?: string;
      /** The check event that decided it, when found. */
      check?: CheckEvent;
      /** Policy checks that ran since the client's command, in order (the decisive one included). */
      checks: CheckEvent[];
    }
  | { kind: 'marker'; key: string; seq: number; at: number; tone: MarkerTone; title: string; detail?: string; messageId?: string }
  | { kind: 'policy'; key: string; seq: number; at: number; ev: CheckEvent }
  | { kind: 'dns'; key: string; seq: number; at: number; ev: DnsEvent }
  /** SPF/DKIM/DMARC/ARC at end of data, and what the policy made of them. */
  | { kind: 'auth'; key: string; seq: number; at: number; ev: MailauthEvent };

type Item = { seq: number; line?: TranscriptLine; ev?: StoredEvent };

export function buildTranscript(d: Pick<SessionDetail, 'lines' | 'events'>): TranscriptRow[] {
  const items: Item[] = [...d.lines.map((line) => ({ seq: line.seq, line })), ...d.events.map((ev) => ({ seq: ev.seq, ev }))];
  items.sort((a, b) => a.seq - b.seq);

  // Which check event produced which reply: the latest check of that name before the reply.
  const checks = d.events.filter((e): e is CheckEvent => e.t === 'check');
  const linked = new Set<number>();
  const findCheck = (name: string, before: number): CheckEvent | undefined => {
    for (let i = checks.length - 1; i >= 0; i--) {
      const c = checks[i]!;
      if (c.seq < before && c.check === name && !linked.has(c.seq)) return c;
    }
    return undefined;
  };

  const rows: TranscriptRow[] = [];
  let lastWireAt: number | undefined;
  let open: Extract<TranscriptRow, { kind: 'reply' }> | null = null;
  const gap = (at: number): number | undefined => (lastWireAt === undefined ? undefined : at - lastWireAt);

  for (const it of items) {
    if (it.line) {
      const l = it.line;
      if (l.dir === 'C') {
        open = null;
        rows.push({ kind: 'client', key: `l${l.seq}`, seq: l.seq, at: l.at, ...gapOf(gap(l.at)), line: l.line, ...opt('explain', explainCommand(l.line)) });
        lastWireAt = l.at;
        continue;
      }
      const p = parseReplyLine(l.line);
      if (open && open.lines.length > 0 && !parseReplyLine(open.lines[open.lines.length - 1]!.line)?.last) {
        open.lines.push(l);
        if (l.check && !open.checkName) open.checkName = l.check;
      } else {
        const code = p?.code ?? 0;
        open = {
          kind: 'reply',
          key: `l${l.seq}`,
          seq: l.seq,
          at: l.at,
          ...gapOf(gap(l.at)),
          lines: [l],
          code,
          ...(p?.enhanced ? { enhanced: p.enhanced } : {}),
          meaning: explainReply(code, p?.enhanced, p?.text ?? l.line),
          ...(l.check ? { checkName: l.check } : {}),
          checks: [],
        };
        rows.push(open);
      }
      lastWireAt = l.at;
      continue;
    }
    const e = it.ev!;
    const m = marker(e);
    if (m) rows.push(m);
    else if (e.t === 'check') rows.push({ kind: 'policy', key: `e${e.seq}`, seq: e.seq, at: e.at, ev: e });
    else if (e.t === 'dns') rows.push({ kind: 'dns', key: `e${e.seq}`, seq: e.seq, at: e.at, ev: e });
    else if (e.t === 'mailauth') rows.push({ kind: 'auth', key: `e${e.seq}`, seq: e.seq, at: e.at, ev: e });
  }

  // Link each reply to what produced it: the check named on the line (the decisive one) and
  // every policy check that ran since the client's command. Those checks then live inside the
  // reply instead of on their own row.
  for (const r of rows) {
    if (r.kind !== 'reply' || !r.checkName) continue;
    const c = findCheck(r.checkName, r.seq);
    if (c) {
      linked.add(c.seq);
      r.check = c;
    }
  }
  // (A decisive check linked to a later reply, as with delay_reject, stays with that reply.)
  const attached = new Set<number>();
  let sinceCommand: CheckEvent[] = [];
  for (const r of rows) {
    if (r.kind === 'client') sinceCommand = [];
    else if (r.kind === 'policy' && !linked.has(r.seq)) sinceCommand.push(r.ev);
    else if (r.kind === 'reply') {
      r.checks = r.check && !sinceCommand.includes(r.check) ? [...sinceCommand, r.check].sort((a, b) => a.seq - b.seq) : sinceCommand;
      for (const c of r.checks) attached.add(c.seq);
      sinceCommand = [];
    }
  }
  return rows.filter((r) => !(r.kind === 'policy' && attached.has(r.seq)));
}

function gapOf(g: number | undefined): { gapMs?: number } {
  return g === undefined ? {} : { gapMs: g };
}

function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}

function marker(e: StoredEvent): TranscriptRow | null {
  const base = { key: `e${e.seq}`, seq: e.seq, at: e.at };
  switch (e.t) {
    case 'session.open':
      return {
        ...base,
        kind: 'marker',
        tone: e.tls ? 'tls' : 'info',
        title: `Connection from ${e.peer.ip}:${e.peer.port} (${e.peer.name}) to listener ${e.listener} (${e.role}) on ${e.local.ip}:${e.local.port}`,
        detail: `Network class of the client: ${e.net}.${e.tls ? ' TLS from the first byte (implicit TLS).' : ' Not encrypted yet.'}`,
      };
    case 'tls':
      return e.ok
        ? { ...base, kind: 'marker', tone: 'tls', title: `TLS established${e.protocol ? `: ${e.protocol}` : ''}${e.cipher ? `, ${e.cipher}` : ''}`, detail: 'Everything below is encrypted on the wire.' }
        : { ...base, kind: 'marker', tone: 'bad', title: 'TLS handshake failed', ...(e.error ? { detail: e.error } : {}) };
    case 'auth':
      return e.ok
        ? { ...base, kind: 'marker', tone: 'auth', title: `Logged in as ${e.user} (AUTH ${e.method})`, detail: 'An authenticated client may relay (permit_sasl_authenticated).' }
        : { ...base, kind: 'marker', tone: 'bad', title: `Login failed for ${e.user || 'unknown user'} (AUTH ${e.method})`, ...(e.reason ? { detail: e.reason } : {}) };
    case 'xclient':
      return {
        ...base,
        kind: 'marker',
        tone: 'info',
        title: `XCLIENT: from now on policy treats the client as ${e.claimed.ip} (${e.claimed.name}, ${e.claimed.net})${e.claimed.login ? `, logged in as ${e.claimed.login}` : ''}`,
        detail: `The real peer is still ${e.real.ip}; it is a trusted proxy speaking for another client.`,
      };
    case 'message.accepted':
      return {
        ...base,
        kind: 'marker',
        tone: 'ok',
        title: `Message accepted: queue id ${e.id}`,
        detail: `${e.size} bytes, ${e.rcpts.length} recipient${e.rcpts.length === 1 ? '' : 's'}; envelope sender ${e.sender || '<>'}.`,
        messageId: e.id,
      };
    case 'message.refused':
      return { ...base, kind: 'marker', tone: 'bad', title: `Message refused (${e.code})`, detail: e.reply };
    case 'session.close':
      return { ...base, kind: 'marker', tone: 'info', title: 'Connection closed', ...(e.reason ? { detail: e.reason } : {}) };
    case 'alias':
      return {
        ...base,
        kind: 'marker',
        tone: 'info',
        title: `Alias: ${e.rcpt} → ${e.result.join(', ') || 'nobody'}`,
        detail: e.steps.map((s) => `${s.address} in ${s.table}${s.line ? ` line ${s.line}` : ''}`).join('; '),
      };
    case 'dkim.sign':
      return {
        ...base,
        kind: 'marker',
        tone: e.signed ? 'auth' : 'info',
        title: e.signed ? `DKIM-signed as ${e.d} (selector ${e.s})` : 'Not DKIM-signed',
        ...(e.reason ? { detail: e.reason } : {}),
      };
    case 'srs':
      return {
        ...base,
        kind: 'marker',
        tone: 'info',
        title: e.direction === 'forward' ? `SRS: envelope sender rewritten ${e.from} → ${e.to}` : `SRS: bounce address restored ${e.from} → ${e.to}`,
        detail: e.direction === 'forward' ? 'Forwarding keeps SPF working: the next server checks our domain, not the original sender\'s.' : 'A bounce to our SRS address goes back to the original sender.',
      };
    default:
      return null;
  }
}
