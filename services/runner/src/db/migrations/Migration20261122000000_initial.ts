import { Migration } from '@mikro-orm/migrations';
import { outboxTableSql } from '@riskloop/db';

export class Migration20261122000000_initial extends Migration {
  override up(): void {
    this.addSql(`create table "runner"."workflow_versions" (
      "workflow_id" uuid not null,
      "version" int not null,
      "tenant_id" text not null,
      "definition" jsonb not null,
      primary key ("workflow_id", "version")
    )`);
    this.addSql(`create table "runner"."runs" (
      "id" uuid primary key,
      "tenant_id" text not null,
      "workflow_id" uuid not null,
      "workflow_version" int not null,
      "status" text not null,
      "snapshot" jsonb not null,
      "version" int not null default 1,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "finished_at" timestamptz null
    )`);
    this.addSql(
      `create index "runs_workflow_idx" on "runner"."runs" ("tenant_id", "workflow_id", "created_at")`,
    );
    this.addSql(`create table "runner"."run_history" (
      "id" bigserial primary key,
      "tenant_id" text not null,
      "run_id" uuid not null,
      "event_id" text not null,
      "event_type" text not null,
      "state_from" text null,
      "state_to" text not null,
      "at" timestamptz not null,
      "processed_by" text not null,
      constraint "run_history_tenant_id_event_id_unique" unique ("tenant_id", "event_id")
    )`);
    this.addSql(`create index "run_history_run_idx" on "runner"."run_history" ("run_id", "id")`);
    for (const sql of outboxTableSql('runner')) this.addSql(sql);
  }
}
