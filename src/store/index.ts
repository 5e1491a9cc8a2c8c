/** The lab's persistence: open the database, then call the per-store functions with `handle.db`. */
export { connectLabDb, openLabDb, closeLabDb, type LabDb, type LabDbHandle, type ConnectOptions } from './db';
export { DB_NAME, DB_VERSION, type ArchRepairDB } from './schema';
export * from './records';
export * from './sessions';
export * from './checkpoints';
export * from './models';
export * from './datasets';
export * from './ownership';
export * from './session-file';
export * from './storage';
export * from './settings';
