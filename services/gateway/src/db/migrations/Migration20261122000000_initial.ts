import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000000_initial extends Migration {
  override up(): void {
    this.addSql(`create table "gateway"."tenants" (
      "id" uuid primary key,
      "name" text not null,
      "created_at" timestamptz not null,
      constraint "tenants_name_unique" unique ("name")
    )`);
    this.addSql(`create table "gateway"."api_keys" (
      "key_id" text primary key,
      "tenant_id" uuid not null,
      "name" text not null,
      "role" text not null,
      "secret_hash" text not null,
      "created_at" timestamptz not null,
      "last_used_at" timestamptz null,
      "revoked_at" timestamptz null
    )`);
    this.addSql(`create index "api_keys_tenant_idx" on "gateway"."api_keys" ("tenant_id")`);
  }
}
