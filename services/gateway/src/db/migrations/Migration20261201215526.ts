import { Migration } from '@mikro-orm/migrations';

/** The audit log and its per-tenant heads; a trigger keeps the log append-only. */
export class Migration20261201215526 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "gateway"."audit_log" ("tenant_id" uuid not null, "seq" bigint not null, "id" uuid not null, "at" timestamptz not null, "actor" text not null, "action" text not null, "target" text not null, "outcome" text not null, "status" int null, "details" jsonb not null, "prev_hash" text not null, "hash" text not null, constraint "audit_log_pkey" primary key ("tenant_id", "seq"));`,
    );
    this.addSql(`create index "audit_log_tenant_at_idx" on "gateway"."audit_log" ("tenant_id", "at");`);

    this.addSql(
      `create table "gateway"."audit_heads" ("tenant_id" uuid not null, "seq" bigint not null, "hash" text not null, constraint "audit_heads_pkey" primary key ("tenant_id"));`,
    );

    // Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks (a superuser can still switch triggers off,
    // which is what `riskloop audit verify` is for).
    this.addSql(`create function "gateway"."audit_log_append_only"() returns trigger language plpgsql as $$
      begin
        raise exception 'gateway.audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`create trigger "audit_log_no_change" before update or delete on "gateway"."audit_log"
      for each row execute function "gateway"."audit_log_append_only"();`);
    this.addSql(`create trigger "audit_log_no_truncate" before truncate on "gateway"."audit_log"
      for each statement execute function "gateway"."audit_log_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "gateway"."audit_log" cascade;`);
    this.addSql(`drop function if exists "gateway"."audit_log_append_only"();`);

    this.addSql(`drop table if exists "gateway"."audit_heads" cascade;`);
  }
}
