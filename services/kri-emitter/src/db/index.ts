import type { ServiceDatabase } from '@riskloop/runtime';
import { entities } from './entities.ts';
import { migrations } from './migrations/index.ts';

export const database: ServiceDatabase = { schema: 'kri_emitter', entities, migrations };
