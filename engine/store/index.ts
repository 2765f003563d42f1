// store: the engine's SQLite database (better-sqlite3), its migrations, group commit and fsync helpers.
// Inputs: writes from queue/, trace/, users and greylisting. Outputs: durable rows (committer.durable).
// Durability: WAL with synchronous=NORMAL plus our own fsync of the -wal before a write counts as durable.
// Trust: the data dir only.
export { openDb, walPath, type Db } from './db';
export { GroupCommitter } from './committer';
export { coalescedFsync, fsyncDirShared, fsyncPath } from './fsync';
