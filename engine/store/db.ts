// Opens the engine's SQLite database (better-sqlite3) and applies migrations.
// Durability: WAL with synchronous=NORMAL, so a COMMIT never waits for the disk on the event
// loop; the group committer fsyncs the -wal file itself, on libuv's thread pool, before it tells
// anyone a write is durable (fsync flushes the file whichever descriptor asks).
import Database from 'better-sqlite3';
import { migrations } from './migrations';

export type Db = Database.Database;

export function openDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`database schema version ${current} is newer than this Relay Lab (${migrations.length}); upgrade Relay Lab`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}


export function walPath(dbFile: string): string {
  return `${dbFile}-wal`;
}
