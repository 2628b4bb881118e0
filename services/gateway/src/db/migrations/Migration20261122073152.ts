import { Migration } from '@mikro-orm/migrations';

/** API keys name the person and groups behind them (approvers are matched by user, role or group). */
export class Migration20261122073152 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "gateway"."api_keys" add column "user_id" text null, add column "groups" text[] not null default '{}';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "gateway"."api_keys" drop column "user_id", drop column "groups";`);
  }
}
