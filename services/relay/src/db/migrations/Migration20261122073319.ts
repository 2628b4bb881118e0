import { Migration } from '@mikro-orm/migrations';

export class Migration20261122073319 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "relay"."data_keys" ("tenant_id" text not null, "master_version" text not null, "wrapped" text not null, "created_at" timestamptz not null default now(), "rotated_at" timestamptz null, constraint "data_keys_pkey" primary key ("tenant_id"));`,
    );

    this.addSql(
      `create table "relay"."relay_configs" ("tenant_id" text not null, "document" jsonb not null, "version" int not null, "updated_by" text not null, "updated_at" timestamptz not null, constraint "relay_configs_pkey" primary key ("tenant_id"));`,
    );

    this.addSql(
      `alter table "relay"."deliveries" add column "destination" text null, add column "effects" jsonb not null default '{}';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "relay"."data_keys" cascade;`);

    this.addSql(`drop table if exists "relay"."relay_configs" cascade;`);

    this.addSql(`alter table "relay"."deliveries" drop column "destination", drop column "effects";`);
  }
}
