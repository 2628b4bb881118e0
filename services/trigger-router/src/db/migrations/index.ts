/** Every migration of this service, in order. New ones are appended by `npm run db:migration:create`. */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000_initial } from './Migration20261122000000_initial.ts';
import { Migration20261122073421 } from './Migration20261122073421.ts';
import { Migration20261122080403 } from './Migration20261122080403.ts';
import { Migration20261202063000 } from './Migration20261202063000.ts';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261122000000_initial', class: Migration20261122000000_initial },
  { name: 'Migration20261122073421', class: Migration20261122073421 },
  { name: 'Migration20261122080403', class: Migration20261122080403 },
  { name: 'Migration20261202063000', class: Migration20261202063000 },
];
