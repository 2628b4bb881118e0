import { Migration } from '@mikro-orm/migrations';

export class Migration20261201214412 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "gateway"."oidc_configs" ("tenant_id" uuid not null, "issuer" text not null, "audience" text not null, "jwks_url" text not null, "user_claim" text not null, "groups_claim" text not null, "role_claim" text not null, "role_map" jsonb not null, "default_role" text null, "updated_at" timestamptz not null, "updated_by" text not null, constraint "oidc_configs_pkey" primary key ("tenant_id"));`,
    );
    this.addSql(
      `alter table "gateway"."oidc_configs" add constraint "oidc_configs_issuer_audience_unique" unique ("issuer", "audience");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "gateway"."oidc_configs" cascade;`);
  }
}
