// Persists the trace: every event into `events` (the SSE backlog and the transcripts), and the
// per-session summary row the session list reads. Writes ride the group committer lazily.
import type { Db } from '../store/db';
import type { GroupCommitter } from '../store/committer';
import type { StoredEvent } from './events';
import type { TraceBus } from './bus';

export function startRecorder(db: Db, committer: GroupCommitter, bus: TraceBus): () => void {
  const insertEvent = db.prepare('INSERT INTO events (seq, at, type, sid, qid, body) VALUES (?, ?, ?, ?, ?, ?)');
  const openSession = db.prepare(`INSERT OR IGNORE INTO sessions
    (sid, opened_at, listener, role, local_ip, local_port, peer_ip, peer_port, peer_name, net, tls)
    VALUES (@sid, @at, @listener, @role, @lip, @lport, @pip, @pport, @pname, @net, @tls)`);
  const updateSession = db.prepare(`UPDATE sessions SET helo = COALESCE(@helo, helo), tls = MAX(tls, @tls),
    auth_user = COALESCE(@auth, auth_user), claimed_ip = COALESCE(@claimed, claimed_ip), net = COALESCE(@net, net),
    last_reply = COALESCE(@reply, last_reply), messages = messages + @messages WHERE sid = @sid`);
  const closeSession = db.prepare(`UPDATE sessions SET closed_at = ?, outcome = CASE WHEN messages > 0 THEN 'accepted'
    WHEN last_reply GLOB '[45]*' THEN 'rejected' ELSE 'closed' END WHERE sid = ?`);

  // Events wait here and are written in one go with the next commit; the session rows get one
  // UPDATE per session per commit, not one per line.
  let pending: StoredEvent[] = [];
  const write = (): void => {
    const batch = pending;
    pending = [];
    const changes = new Map<string, SessionChange>();
    const change = (sid: string): SessionChange => {
      let c = changes.get(sid);
      if (!c) { c = { sid, helo: null, tls: 0, auth: null, claimed: null, net: null, reply: null, messages: 0 }; changes.set(sid, c); }
      return c;
    };
    const closes: [number, string][] = [];
    for (const e of batch) {
      const sid = 'sid' in e ? (e.sid ?? null) : null;
      const qid = 'id' in e && typeof e.id === 'string' ? e.id : null;
      insertEvent.run(e.seq, e.at, e.t, sid, qid, JSON.stringify(e));
      switch (e.t) {
        case 'session.open':
          openSession.run({ sid: e.sid, at: e.at, listener: e.listener, role: e.role, lip: e.local.ip, lport: e.local.port,
            pip: e.peer.ip, pport: e.peer.port, pname: e.peer.name, net: e.net, tls: e.tls ? 1 : 0 });
          break;
        case 'session.close': closes.push([e.at, e.sid]); break;
        case 'helo': change(e.sid).helo = e.helo; break;
        case 'tls': if (e.ok) change(e.sid).tls = 1; break;
        case 'auth': if (e.ok) change(e.sid).auth = e.user; break;
        case 'xclient': Object.assign(change(e.sid), { claimed: e.claimed.ip, net: e.claimed.net }); break;
        case 'smtp': if (e.dir === 'S') change(e.sid).reply = e.line.slice(0, 300); break;
        case 'message.accepted': change(e.sid).messages++; break;
        default: break;
      }
    }
    for (const c of changes.values()) updateSession.run(c);
    for (const [at, sid] of closes) closeSession.run(at, sid);
  };
  return bus.subscribe((e) => {
    if (pending.length === 0) committer.background(write);
    pending.push(e);
  });
}

interface SessionChange { sid: string; helo: string | null; tls: number; auth: string | null; claimed: string | null; net: string | null; reply: string | null; messages: number }

/** Events after `seq`, oldest first (the SSE replay). */
export function eventsSince(db: Db, seq: number, limit: number): StoredEvent[] {
  const rows = db.prepare('SELECT body, seq FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as { body: string; seq: number }[];
  return rows.map((r) => ({ ...(JSON.parse(r.body) as StoredEvent), seq: r.seq }));
}

export function lastEventSeq(db: Db): number {
  const r = db.prepare('SELECT MAX(seq) AS s FROM events').get() as { s: number | null };
  return r.s ?? 0;
}
