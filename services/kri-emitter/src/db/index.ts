import type { ServiceDatabase } from '@riskloop/runtime';

/** The schema this service will own; its tables arrive with its issue. */
export const database: ServiceDatabase = { schema: 'kri_emitter', entities: [], migrations: [] };
