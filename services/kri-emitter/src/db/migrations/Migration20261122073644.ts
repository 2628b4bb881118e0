import { Migration } from '@mikro-orm/migrations';

export class Migration20261122073644 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "kri_emitter";`);
    this.addSql(
      `create table "kri_emitter"."emit_results" ("idempotency_key" text not null, "tenant_id" text not null, "run_id" uuid not null, "step_id" text not null, "status" text not null, "at" timestamptz not null, constraint "emit_results_pkey" primary key ("idempotency_key"));`,
    );

    this.addSql(
      `create table "kri_emitter"."emitted_events" ("id" text not null, "tenant_id" text not null, "run_id" uuid not null, "workflow_id" uuid not null, "step_id" text not null, "idempotency_key" text not null, "event" text not null, "kri" text not null, "effect" text not null, "amount" double precision null, "definition_id" text not null, "definition_version" int not null, "emitted_at" timestamptz not null, constraint "emitted_events_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "emitted_events_run_idx" on "kri_emitter"."emitted_events" ("tenant_id", "run_id");`,
    );

    this.addSql(
      `create table "kri_emitter"."outbox" ("id" text not null, "tenant_id" text not null, "subject" text not null, "event" jsonb not null, "created_at" timestamptz not null default now(), "sent_at" timestamptz null, constraint "outbox_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "outbox_unsent_idx" on kri_emitter.outbox ("created_at") where "sent_at" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "kri_emitter"."emit_results" cascade;`);

    this.addSql(`drop table if exists "kri_emitter"."emitted_events" cascade;`);

    this.addSql(`drop table if exists "kri_emitter"."outbox" cascade;`);

    this.addSql(`drop schema if exists "kri_emitter";`);
  }
}
