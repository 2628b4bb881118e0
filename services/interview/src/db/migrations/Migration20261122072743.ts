import { Migration } from '@mikro-orm/migrations';

export class Migration20261122072743 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "interview";`);
    this.addSql(
      `create table "interview"."transcripts" ("interview_id" uuid not null, "tenant_id" text not null, "hash" text not null, "turns" jsonb not null, "archived_at" timestamptz not null, constraint "transcripts_pkey" primary key ("interview_id"));`,
    );

    this.addSql(
      `create table "interview"."interviews" ("id" uuid not null, "tenant_id" text not null, "status" text not null, "mode" text not null, "model" text null, "goal" text null, "workflow_id" uuid null, "state" jsonb not null, "created_by" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "result_workflow_id" uuid null, "result_version" int null, "transcript_hash" text null, "row_version" int not null default 1, constraint "interviews_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "interviews_tenant_idx" on "interview"."interviews" ("tenant_id", "created_at");`,
    );

    this.addSql(
      `create table "interview"."turns" ("interview_id" uuid not null, "seq" int not null, "tenant_id" text not null, "role" text not null, "text" text not null, "at" timestamptz not null, "facts" jsonb null, constraint "turns_pkey" primary key ("interview_id", "seq"));`,
    );

    this.addSql(
      `create table "interview"."outbox" ("id" text not null, "tenant_id" text not null, "subject" text not null, "event" jsonb not null, "created_at" timestamptz not null default now(), "sent_at" timestamptz null, constraint "outbox_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "outbox_unsent_idx" on interview.outbox ("created_at") where "sent_at" is null;`,
    );

    this.addSql(
      `create table "interview"."panel_runs" ("idempotency_key" text not null, "tenant_id" text not null, "run_id" uuid not null, "step_id" text not null, "status" text not null, "model" text not null, "prompt" jsonb not null, "answers" jsonb null, "synthesis" text null, "error" jsonb null, "lease_until" timestamptz not null, "started_at" timestamptz not null, "finished_at" timestamptz null, constraint "panel_runs_pkey" primary key ("idempotency_key"));`,
    );
    this.addSql(`create index "panel_runs_run_idx" on "interview"."panel_runs" ("tenant_id", "run_id");`);

    this.addSql(
      `create table "interview"."tenant_settings" ("tenant_id" text not null, "model" text null, "updated_by" text not null, "updated_at" timestamptz not null, constraint "tenant_settings_pkey" primary key ("tenant_id"));`,
    );

    // Turns and archived transcripts are append-only: no API, and no code path, may change one.
    this.addSql(`create function "interview"."refuse_change"() returns trigger language plpgsql as $$
      begin raise exception '%.% is append-only', tg_table_schema, tg_table_name using errcode = 'check_violation'; end $$;`);
    for (const table of ['turns', 'transcripts']) {
      this.addSql(`create trigger "${table}_append_only" before update or delete on "interview"."${table}"
        for each row execute function "interview"."refuse_change"();`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "interview"."transcripts" cascade;`);

    this.addSql(`drop table if exists "interview"."interviews" cascade;`);

    this.addSql(`drop table if exists "interview"."turns" cascade;`);

    this.addSql(`drop table if exists "interview"."outbox" cascade;`);

    this.addSql(`drop table if exists "interview"."panel_runs" cascade;`);

    this.addSql(`drop table if exists "interview"."tenant_settings" cascade;`);

    this.addSql(`drop function if exists "interview"."refuse_change"() cascade;`);

    this.addSql(`drop schema if exists "interview";`);
  }
}
