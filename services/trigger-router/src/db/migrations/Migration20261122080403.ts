import { Migration } from '@mikro-orm/migrations';

/** Runs in flight per tenant: the runner reports finished runs. */
export class Migration20261122080403 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "trigger_router"."triggered_runs" add column "finished_at" timestamptz null;`);
    // Runs released before the runner reported finishes cannot be told apart: none counts as in flight.
    this.addSql(
      `update "trigger_router"."triggered_runs" set "finished_at" = "released_at" where "released_at" is not null;`,
    );
    this.addSql(
      `create index "triggered_runs_in_flight_idx" on trigger_router.triggered_runs ("tenant_id") where "released_at" is not null and "finished_at" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "trigger_router"."triggered_runs_in_flight_idx";`);
    this.addSql(`alter table "trigger_router"."triggered_runs" drop column "finished_at";`);
  }
}
