import { Migration } from '@mikro-orm/migrations';
import { outboxTableSql } from '@riskloop/db';

export class Migration20261122000000_initial extends Migration {
  override up(): void {
    this.addSql(`create table "registry"."workflows" (
      "id" uuid primary key,
      "tenant_id" text not null,
      "name" text not null,
      "status" text not null,
      "latest_version" int not null,
      "active_version" int null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "row_version" int not null default 1
    )`);
    this.addSql(`create index "workflows_tenant_idx" on "registry"."workflows" ("tenant_id", "created_at")`);
    this.addSql(`create table "registry"."workflow_versions" (
      "workflow_id" uuid not null,
      "version" int not null,
      "tenant_id" text not null,
      "definition" jsonb not null,
      "created_by" text not null,
      "created_at" timestamptz not null,
      primary key ("workflow_id", "version")
    )`);
    this.addSql(`create table "registry"."change_log" (
      "id" uuid primary key,
      "tenant_id" text not null,
      "workflow_id" uuid not null,
      "version" int not null,
      "actor" text not null,
      "action" text not null,
      "reason" text null,
      "diff" jsonb null,
      "at" timestamptz not null
    )`);
    this.addSql(
      `create index "change_log_workflow_idx" on "registry"."change_log" ("tenant_id", "workflow_id", "at")`,
    );
    for (const sql of outboxTableSql('registry')) this.addSql(sql);
  }
}
