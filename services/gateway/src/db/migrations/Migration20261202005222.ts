import { Migration } from '@mikro-orm/migrations';

export class Migration20261202005222 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "gateway"."idempotent_requests" ("tenant_id" uuid not null, "key" text not null, "request" text not null, "body_hash" text not null, "status" int null, "content_type" text null, "response" text null, "secret" boolean not null default false, "created_at" timestamptz not null, constraint "idempotent_requests_pkey" primary key ("tenant_id", "key"));`,
    );
    this.addSql(
      `create index "idempotent_requests_created_idx" on "gateway"."idempotent_requests" ("created_at");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "gateway"."idempotent_requests" cascade;`);
  }
}
