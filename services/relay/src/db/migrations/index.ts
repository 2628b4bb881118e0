/** Every migration of this service, in order. New ones are appended by `npm run db:migration:create`. */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000_initial } from './Migration20261122000000_initial.ts';
import { Migration20261122073319 } from './Migration20261122073319.ts';
import { Migration20261201213442 } from './Migration20261201213442.ts';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261122000000_initial', class: Migration20261122000000_initial },
  { name: 'Migration20261122073319', class: Migration20261122073319 },
  { name: 'Migration20261201213442', class: Migration20261201213442 },
];
