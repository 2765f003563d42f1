// Opens the engine's SQLite database (better-sqlite3) with the pragmas durability needs and
// applies migrations. synchronous=FULL: a COMMIT returns only once the WAL is fsynced, which
// is what lets the queue answer 250 after a commit.
import Database from 'better-sqlite3';
import { migrations } from './migrations';

export type Db = Database.Database;

export function openDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
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
