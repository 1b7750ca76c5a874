// Errors a store raises that the engine and the host app must recognise by class.

/** The database was migrated by a newer Nightshift; this code must not write to it. */
export class SchemaTooNewError extends Error {
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(
    readonly path: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `Database ${path} has Nightshift schema version ${found}, newer than this Nightshift supports (version ${supported}); ` +
        `upgrade Nightshift or use another database. Nothing was written.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * The database's storage is full: a write could not be made durable and was rolled back (SQLite
 * answers SQLITE_FULL, or an I/O error while the disk has no space left). Nothing was written; the
 * same write succeeds once space is freed. The HTTP API answers 507 STORAGE_FULL.
 */
export class StorageFullError extends Error {
  readonly code = 'STORAGE_FULL';
  /** What the driver said (SQLITE_FULL, SQLITE_IOERR_WRITE, ENOSPC...), for the server's log. */
  readonly driverCode: string | undefined;
  constructor(cause?: unknown) {
    // No path and no driver text: this message may reach a client.
    super('Storage full: the database cannot be written, its disk has no space left; nothing was written', { cause });
    this.name = 'StorageFullError';
    this.driverCode = driverCodeOf(cause);
  }
}

function driverCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * I/O errors SQLite reports when a write, a sync or growing the shared-memory file fails; with no
 * space left on the disk they mean "full" (SQLite maps ENOSPC to SQLITE_FULL only for plain writes).
 */
const IOERR_WHEN_NO_SPACE = /^SQLITE_IOERR(_WRITE|_FSYNC|_DIR_FSYNC|_TRUNCATE|_SHMSIZE|_SHMMAP|_SHMOPEN)?$/;

/**
 * Whether `err` means the storage is full: SQLITE_FULL, Node's ENOSPC, or (when `hasSpace` says the
 * disk has none left) one of SQLite's write-side I/O errors. A StorageFullError is one already.
 */
export function isStorageFull(err: unknown, hasSpace?: () => boolean): boolean {
  if (err instanceof StorageFullError) return true;
  const code = driverCodeOf(err);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
  if (code && IOERR_WHEN_NO_SPACE.test(code) && hasSpace) {
    try {
      return !hasSpace();
    } catch {
      return false;
    }
  }
  return false;
}
