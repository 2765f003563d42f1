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
  const closeSession = db.prepare(`UPDATE sessions SET closed_at = ?, outcome = CASE WHEN messages > 0 THEN 'accepted'
    WHEN last_reply GLOB '[45]*' THEN 'rejected' ELSE 'closed' END WHERE sid = ?`);
  const setHelo = db.prepare('UPDATE sessions SET helo = ? WHERE sid = ?');
  const setTls = db.prepare('UPDATE sessions SET tls = 1 WHERE sid = ?');
  const setAuth = db.prepare('UPDATE sessions SET auth_user = ? WHERE sid = ?');
  const setClaimed = db.prepare('UPDATE sessions SET claimed_ip = ?, net = ? WHERE sid = ?');
  const setReply = db.prepare('UPDATE sessions SET last_reply = ? WHERE sid = ?');
  const countMessage = db.prepare('UPDATE sessions SET messages = messages + 1 WHERE sid = ?');

  const write = (e: StoredEvent): void => {
    const sid = 'sid' in e ? (e.sid ?? null) : null;
    const qid = 'id' in e && typeof e.id === 'string' ? e.id : null;
    insertEvent.run(e.seq, e.at, e.t, sid, qid, JSON.stringify(e));
    switch (e.t) {
      case 'session.open':
        openSession.run({ sid: e.sid, at: e.at, listener: e.listener, role: e.role, lip: e.local.ip, lport: e.local.port,
          pip: e.peer.ip, pport: e.peer.port, pname: e.peer.name, net: e.net, tls: e.tls ? 1 : 0 });
        break;
      case 'session.close': closeSession.run(e.at, e.sid); break;
      case 'helo': setHelo.run(e.helo, e.sid); break;
      case 'tls': if (e.ok) setTls.run(e.sid); break;
      case 'auth': if (e.ok) setAuth.run(e.user, e.sid); break;
      case 'xclient': setClaimed.run(e.claimed.ip, e.claimed.net, e.sid); break;
      case 'smtp': if (e.dir === 'S') setReply.run(e.line.slice(0, 300), e.sid); break;
      case 'message.accepted': countMessage.run(e.sid); break;
      default: break;
    }
  };
  return bus.subscribe((e) => committer.background(() => write(e)));
}

/** Events after `seq`, oldest first (the SSE replay). */
export function eventsSince(db: Db, seq: number, limit: number): StoredEvent[] {
  const rows = db.prepare('SELECT body, seq FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as { body: string; seq: number }[];
  return rows.map((r) => ({ ...(JSON.parse(r.body) as StoredEvent), seq: r.seq }));
}

export function lastEventSeq(db: Db): number {
  const r = db.prepare('SELECT MAX(seq) AS s FROM events').get() as { s: number | null };
  return r.s ?? 0;
}
