/** Every migration of this service, in order. New ones are appended by `npm run db:migration:create`. */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000_initial } from './Migration20261122000000_initial.ts';
import { Migration20261122073152 } from './Migration20261122073152.ts';
import { Migration20261201214412 } from './Migration20261201214412.ts';
import { Migration20261201215526 } from './Migration20261201215526.ts';
import { Migration20261201221016 } from './Migration20261201221016.ts';
import { Migration20261202005222 } from './Migration20261202005222.ts';
import { Migration20261202011317 } from './Migration20261202011317.ts';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261122000000_initial', class: Migration20261122000000_initial },
  { name: 'Migration20261122073152', class: Migration20261122073152 },
  { name: 'Migration20261201214412', class: Migration20261201214412 },
  { name: 'Migration20261201215526', class: Migration20261201215526 },
  { name: 'Migration20261201221016', class: Migration20261201221016 },
  { name: 'Migration20261202005222', class: Migration20261202005222 },
  { name: 'Migration20261202011317', class: Migration20261202011317 },
];
