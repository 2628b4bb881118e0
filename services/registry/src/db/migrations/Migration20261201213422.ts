import { Migration } from '@mikro-orm/migrations';

export class Migration20261201213422 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "registry"."tenant_policies" ("tenant_id" text not null, "change_approval" boolean not null, "updated_at" timestamptz not null, "updated_by" text not null, constraint "tenant_policies_pkey" primary key ("tenant_id"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "registry"."tenant_policies" cascade;`);
  }
}
