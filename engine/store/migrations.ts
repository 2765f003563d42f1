// Schema migrations, applied in order; the database's user_version is the number applied.
// Never edit a migration that has shipped: add a new one.
export const migrations: readonly string[] = [
  /* 1: initial */ `
  CREATE TABLE users (
    name TEXT PRIMARY KEY,
    hash TEXT NOT NULL,            -- scrypt$N$r$p$salt$key (base64); never the password
    created_at INTEGER NOT NULL
  );
  CREATE TABLE auth_failures (
    key TEXT PRIMARY KEY,          -- 'ip:<addr>' or 'user:<name>'
    count INTEGER NOT NULL,
    last_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    sid TEXT PRIMARY KEY,
    opened_at INTEGER NOT NULL,
    closed_at INTEGER,
    listener TEXT NOT NULL,
    role TEXT NOT NULL,
    local_ip TEXT NOT NULL, local_port INTEGER NOT NULL,
    peer_ip TEXT NOT NULL, peer_port INTEGER NOT NULL, peer_name TEXT NOT NULL,
    net TEXT NOT NULL,
    helo TEXT,
    tls INTEGER NOT NULL DEFAULT 0,
    auth_user TEXT,
    claimed_ip TEXT,
    messages INTEGER NOT NULL DEFAULT 0,
    last_reply TEXT,
    outcome TEXT NOT NULL DEFAULT 'open'
  );
  CREATE INDEX sessions_opened ON sessions(opened_at);
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    sid TEXT,
    qid TEXT,
    body TEXT NOT NULL             -- the TraceEvent as JSON
  );
  CREATE INDEX events_sid ON events(sid, seq) WHERE sid IS NOT NULL;
  CREATE INDEX events_qid ON events(qid, seq) WHERE qid IS NOT NULL;
  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    sid TEXT,
    txn TEXT,
    arrived_at INTEGER NOT NULL,
    sender TEXT NOT NULL,          -- '' = null sender
    size INTEGER NOT NULL,
    spool TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error TEXT,
    client_ip TEXT, client_name TEXT, helo TEXT, net TEXT, auth_user TEXT, tls INTEGER NOT NULL DEFAULT 0,
    subject TEXT, from_hdr TEXT,
    headers_added TEXT NOT NULL DEFAULT '[]',
    header_block TEXT NOT NULL DEFAULT '',  -- our headers + the message's, as received (capped), for messages.get
    is_report INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX messages_state ON messages(state, next_attempt_at);
  CREATE INDEX messages_arrived ON messages(arrived_at);
  CREATE TABLE recipients (
    message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    rcpt TEXT NOT NULL,
    orig_rcpt TEXT NOT NULL,
    status TEXT NOT NULL,          -- pending | deferred | sent | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    last_dsn TEXT,                 -- Dsn as JSON
    PRIMARY KEY (message_id, idx)
  );
  `,
  /* 2: greylisting (postgrey's triplets and auto-whitelist) */ `
  CREATE TABLE greylist (
    key TEXT PRIMARY KEY,          -- client_net/sender/recipient, normalised
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    passed INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE greylist_awl (
    client TEXT PRIMARY KEY,       -- exact client IP
    count INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
  );
  `,
];
