import { Migration } from '@mikro-orm/migrations';

export class Migration20261122073421 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "trigger_router"."data_keys" ("tenant_id" text not null, "master_version" text not null, "wrapped" text not null, "created_at" timestamptz not null default now(), "rotated_at" timestamptz null, constraint "data_keys_pkey" primary key ("tenant_id"));`,
    );

    this.addSql(
      `create table "trigger_router"."received_events" ("tenant_id" text not null, "source_id" text not null, "kind" text not null, "type" text not null, "received_at" timestamptz not null, constraint "received_events_pkey" primary key ("tenant_id", "source_id"));`,
    );

    this.addSql(
      `create table "trigger_router"."schedule_cursors" ("workflow_id" uuid not null, "trigger_index" int not null, "tenant_id" text not null, "last_fire_at" timestamptz not null, constraint "schedule_cursors_pkey" primary key ("workflow_id", "trigger_index"));`,
    );

    this.addSql(
      `create table "trigger_router"."webhook_secrets" ("tenant_id" text not null, "workflow_id" uuid not null, "sealed" text not null, "created_by" text not null, "created_at" timestamptz not null, constraint "webhook_secrets_pkey" primary key ("tenant_id", "workflow_id"));`,
    );

    this.addSql(
      `alter table "trigger_router"."triggered_runs" add column "start" jsonb null, add column "released_at" timestamptz null;`,
    );
    // Runs started before the queue existed were sent already.
    this.addSql(
      `update "trigger_router"."triggered_runs" set "released_at" = "created_at" where "released_at" is null;`,
    );
    this.addSql(
      `create index "triggered_runs_release_idx" on "trigger_router"."triggered_runs" ("tenant_id", "released_at");`,
    );
    this.addSql(
      `create index "triggered_runs_queued_idx" on trigger_router.triggered_runs ("tenant_id", "created_at") where "released_at" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "trigger_router"."data_keys" cascade;`);

    this.addSql(`drop table if exists "trigger_router"."received_events" cascade;`);

    this.addSql(`drop table if exists "trigger_router"."schedule_cursors" cascade;`);

    this.addSql(`drop table if exists "trigger_router"."webhook_secrets" cascade;`);

    this.addSql(`drop index "trigger_router"."triggered_runs_release_idx";`);
    this.addSql(`drop index "trigger_router"."triggered_runs_queued_idx";`);
    this.addSql(
      `alter table "trigger_router"."triggered_runs" drop column "start", drop column "released_at";`,
    );
  }
}
