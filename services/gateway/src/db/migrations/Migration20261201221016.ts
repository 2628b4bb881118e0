import { Migration } from '@mikro-orm/migrations';

export class Migration20261201221016 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "gateway"."preview_links" ("id" uuid not null, "tenant_id" uuid not null, "workflow_id" uuid not null, "version" int not null, "token_hash" text not null, "include_evidence" boolean not null, "expires_at" timestamptz not null, "created_by" text not null, "created_at" timestamptz not null, "redeemed_at" timestamptz null, "revoked_at" timestamptz null, constraint "preview_links_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "gateway"."preview_links" add constraint "preview_links_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(
      `create index "preview_links_workflow_idx" on "gateway"."preview_links" ("tenant_id", "workflow_id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "gateway"."preview_links" cascade;`);
  }
}
