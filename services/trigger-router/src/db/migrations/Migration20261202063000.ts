import { Migration } from '@mikro-orm/migrations';

/**
 * A tenant's release in one round trip (it was seven: BEGIN, lock, count, pick, mark, stage, COMMIT). The
 * function takes the tenant's release lock for its transaction, counts the allowance, marks the oldest
 * queued runs released and stages their `run.start` events in the outbox, built from the envelope the
 * caller passes (id and data filled in per run). Each statement of a plpgsql function reads a fresh
 * snapshot, so the counts see every release committed before the lock was granted.
 */
export class Migration20261202063000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function "trigger_router"."release_queued"(
        p_tenant text, p_per_second int, p_max_in_flight int, p_subject text, p_envelope jsonb)
      returns table (subject text, event jsonb) language plpgsql volatile as $$
      declare
        v_allowance int;
      begin
        perform pg_advisory_xact_lock(hashtext('trigger_router.release:' || p_tenant));
        select least(
            p_per_second - count(*) filter (where t.released_at > now() - interval '1 second'),
            p_max_in_flight - count(*) filter (where t.finished_at is null))
          into v_allowance
          from "trigger_router"."triggered_runs" t
          where t.tenant_id = p_tenant and t.released_at is not null
            and (t.finished_at is null or t.released_at > now() - interval '1 second');
        if v_allowance <= 0 then
          return;
        end if;
        return query
          with picked as (
            select q.run_id from "trigger_router"."triggered_runs" q
            where q.tenant_id = p_tenant and q.released_at is null
            order by q.created_at, q.run_id limit v_allowance
          ), released as (
            update "trigger_router"."triggered_runs" r set released_at = now()
            from picked where r.run_id = picked.run_id
            returning r.run_id, r.start
          ), staged as (
            insert into "trigger_router"."outbox" (id, tenant_id, subject, event)
            select 'run-start:' || released.run_id, p_tenant, p_subject,
              p_envelope || jsonb_build_object('id', 'run-start:' || released.run_id, 'data', released.start)
            from released
            returning "outbox".subject, "outbox".event
          )
          select staged.subject, staged.event from staged;
      end
      $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function "trigger_router"."release_queued"(text, int, int, text, jsonb);`);
  }
}
