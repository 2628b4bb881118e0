/** Every migration of this service, in order. New ones are appended by `npm run db:migration:create`. */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000_initial } from './Migration20261122000000_initial.ts';
import { Migration20261122045443 } from './Migration20261122045443.ts';
import { Migration20261122072800 } from './Migration20261122072800.ts';
import { Migration20261122073240 } from './Migration20261122073240.ts';
import { Migration20261201213422 } from './Migration20261201213422.ts';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261122000000_initial', class: Migration20261122000000_initial },
  { name: 'Migration20261122045443', class: Migration20261122045443 },
  { name: 'Migration20261122072800', class: Migration20261122072800 },
  { name: 'Migration20261122073240', class: Migration20261122073240 },
  { name: 'Migration20261201213422', class: Migration20261201213422 },
];
