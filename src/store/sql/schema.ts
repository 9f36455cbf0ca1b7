/** On PostgreSQL every fleetmon table lives in this schema, so it can share a database with others. */
export const SCHEMA = 'fleetmon';

// Session advisory lock keys on PostgreSQL ("fm" + a number): one migrator at a time, one writer.
export const MIGRATION_LOCK = 0x666d_0001;
/** Held by the one process that writes; `store info` finds its holder in pg_locks by this key. */
export const WRITER_LOCK = 0x666d_0002;
