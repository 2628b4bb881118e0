import { Migration } from '@mikro-orm/migrations';
import { outboxTableSql } from '@riskloop/db';

export class Migration20261122000000_initial extends Migration {
  override up(): void {
    this.addSql(`create table "relay"."deliveries" (
      "idempotency_key" text primary key,
      "tenant_id" text not null,
      "run_id" uuid not null,
      "step_id" text not null,
      "kind" text not null,
      "status" text not null,
      "lease_until" timestamptz not null,
      "claims" int not null default 1,
      "tries" int not null default 0,
      "request" jsonb not null,
      "response" jsonb null,
      "error" jsonb null,
      "started_at" timestamptz not null,
      "finished_at" timestamptz null
    )`);
    this.addSql(`create index "deliveries_run_idx" on "relay"."deliveries" ("tenant_id", "run_id")`);
    for (const sql of outboxTableSql('relay')) this.addSql(sql);
  }
}
