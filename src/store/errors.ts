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
