import { Migration } from '@mikro-orm/migrations';

export class Migration20261201214448 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "kri_emitter"."emitted_events" add column "attributes" jsonb not null default '{}';`,
    );
    this.addSql(
      `create index "emitted_events_time_idx" on "kri_emitter"."emitted_events" ("tenant_id", "emitted_at");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "kri_emitter"."emitted_events_time_idx";`);
    this.addSql(`alter table "kri_emitter"."emitted_events" drop column "attributes";`);
  }
}
