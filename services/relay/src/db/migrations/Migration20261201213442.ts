import { Migration } from '@mikro-orm/migrations';

export class Migration20261201213442 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "relay"."artifacts" ("tenant_id" text not null, "run_id" uuid not null, "name" text not null, "step_id" text not null, "media_type" text not null, "size" int not null, "sha256" text not null, "content" bytea not null, "created_at" timestamptz not null, constraint "artifacts_pkey" primary key ("tenant_id", "run_id", "name"));`,
    );

    this.addSql(
      `create table "relay"."remediation_actions" ("tenant_id" text not null, "name" text not null, "document" jsonb not null, "version" int not null, "updated_by" text not null, "updated_at" timestamptz not null, constraint "remediation_actions_pkey" primary key ("tenant_id", "name"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "relay"."artifacts" cascade;`);

    this.addSql(`drop table if exists "relay"."remediation_actions" cascade;`);
  }
}
