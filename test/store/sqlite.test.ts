// The store contract on the SQLite store: a fresh file in a temp dir per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';
import { storeContract } from './contract.ts';

storeContract('sqlite', {
  async open() {
    const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'nightshift-store-')), 'store.db'));
    store.migrate();
    return store;
  },
  async dispose(store) {
    rmSync(dirname((store as SqliteStore).db.name), { recursive: true, force: true });
  },
});
