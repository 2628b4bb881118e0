/** Every migration of this service, in order. New ones are appended by `npm run db:migration:create`. */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122073644 } from './Migration20261122073644.ts';
import { Migration20261201214448 } from './Migration20261201214448.ts';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261122073644', class: Migration20261122073644 },
  { name: 'Migration20261201214448', class: Migration20261201214448 },
];
