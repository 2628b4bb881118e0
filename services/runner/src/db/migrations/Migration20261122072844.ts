import { Migration } from '@mikro-orm/migrations';

/** Timers, approvals and their immutable decisions, waits for outside events, and the re-drive deadline. */
export class Migration20261122072844 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "runner"."approvals" ("id" uuid not null, "tenant_id" text not null, "run_id" uuid not null, "workflow_id" uuid not null, "step_id" text not null, "status" text not null, "state" jsonb not null, "eligible_users" text[] not null, "eligible_roles" text[] not null, "eligible_groups" text[] not null, "due_at" timestamptz null, "created_at" timestamptz not null, "decided_at" timestamptz null, constraint "approvals_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "approvals_tenant_status_idx" on "runner"."approvals" ("tenant_id", "status", "created_at");`,
    );
    this.addSql(`create index "approvals_run_idx" on "runner"."approvals" ("run_id");`);

    this.addSql(
      `create table "runner"."approval_decisions" ("id" uuid not null, "tenant_id" text not null, "approval_id" uuid not null, "run_id" uuid not null, "decision" text not null, "actor" text not null, "user_id" text null, "approver" jsonb not null, "comment" text null, "decided_at" timestamptz not null, constraint "approval_decisions_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "approval_decisions_approval_idx" on "runner"."approval_decisions" ("approval_id");`,
    );
    // Every decision is immutable: who, when and comment stay as they were recorded.
    this.addSql(`create function "runner"."refuse_decision_change"() returns trigger language plpgsql as $$
      begin raise exception 'approval decisions are immutable (% refused)', tg_op; end $$;`);
    this
      .addSql(`create trigger "approval_decisions_immutable" before update or delete on "runner"."approval_decisions"
      for each row execute function "runner"."refuse_decision_change"();`);
    this
      .addSql(`create trigger "approval_decisions_no_truncate" before truncate on "runner"."approval_decisions"
      for each statement execute function "runner"."refuse_decision_change"();`);

    this.addSql(
      `create table "runner"."timers" ("id" uuid not null, "tenant_id" text not null, "run_id" uuid not null, "key" text not null, "step_id" text not null, "due_at" timestamptz not null, "fired_at" timestamptz null, constraint "timers_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "timers_due_idx" on runner.timers ("due_at") where "fired_at" is null;`);
    this.addSql(
      `alter table "runner"."timers" add constraint "timers_run_id_key_unique" unique ("run_id", "key");`,
    );

    this.addSql(
      `create table "runner"."waits" ("run_id" uuid not null, "step_id" text not null, "tenant_id" text not null, "event_type" text not null, "created_at" timestamptz not null, constraint "waits_pkey" primary key ("run_id", "step_id"));`,
    );
    this.addSql(`create index "waits_type_idx" on "runner"."waits" ("tenant_id", "event_type");`);

    this.addSql(`alter table "runner"."runs" add column "stalls_at" timestamptz null;`);
    this.addSql(`create index "runs_stalls_idx" on runner.runs ("stalls_at") where "stalls_at" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "runner"."approvals" cascade;`);

    this.addSql(`drop table if exists "runner"."approval_decisions" cascade;`);
    this.addSql(`drop function if exists "runner"."refuse_decision_change"();`);

    this.addSql(`drop table if exists "runner"."timers" cascade;`);

    this.addSql(`drop table if exists "runner"."waits" cascade;`);

    this.addSql(`drop index "runner"."runs_stalls_idx";`);
    this.addSql(`alter table "runner"."runs" drop column "stalls_at";`);
  }
}
