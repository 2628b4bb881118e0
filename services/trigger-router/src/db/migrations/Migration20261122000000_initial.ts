import { Migration } from '@mikro-orm/migrations';
import { outboxTableSql } from '@riskloop/db';

export class Migration20261122000000_initial extends Migration {
  override up(): void {
    this.addSql(`create table "trigger_router"."triggered_runs" (
      "run_id" uuid primary key,
      "tenant_id" text not null,
      "source_id" text not null,
      "source_type" text not null,
      "workflow_id" uuid not null,
      "version" int not null,
      "created_at" timestamptz not null,
      constraint "triggered_runs_tenant_id_source_id_workflow_id_unique" unique ("tenant_id", "source_id", "workflow_id")
    )`);
    for (const sql of outboxTableSql('trigger_router')) this.addSql(sql);
  }
}
