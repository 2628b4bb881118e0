import { Migration } from '@mikro-orm/migrations';

export class Migration20261122073240 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "registry"."kris" ("tenant_id" text not null, "id" text not null, "name" text not null, "unit" text null, "description" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "kris_pkey" primary key ("tenant_id", "id"));`,
    );

    this.addSql(
      `create table "registry"."kri_definitions" ("tenant_id" text not null, "id" text not null, "event" text not null, "version" int not null, "body" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "updated_by" text not null, constraint "kri_definitions_pkey" primary key ("tenant_id", "id"));`,
    );
    this.addSql(
      `create index "kri_definitions_event_idx" on "registry"."kri_definitions" ("tenant_id", "event");`,
    );

    this.addSql(
      `create table "registry"."kri_definition_versions" ("tenant_id" text not null, "definition_id" text not null, "version" int not null, "body" jsonb not null, "action" text not null, "actor" text not null, "reason" text null, "diff" jsonb null, "at" timestamptz not null, constraint "kri_definition_versions_pkey" primary key ("tenant_id", "definition_id", "version"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "registry"."kris" cascade;`);

    this.addSql(`drop table if exists "registry"."kri_definitions" cascade;`);

    this.addSql(`drop table if exists "registry"."kri_definition_versions" cascade;`);
  }
}
