// One numbered migration of Nightshift's PostgreSQL tables, as data: its SQL runs inside the
// migration transaction (PostgreSQL's DDL is transactional: a failed migration leaves nothing).
// Tables are written as `ns.<table>`; db.ts puts the configured schema in their place.
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}
