import { Migration } from '@mikro-orm/migrations';

export class Migration20261122045443 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "registry"."workflows" add column "tags" text[] not null default '{}';`);
    this.addSql(`create index "workflows_tags_idx" on "registry"."workflows" using gin ("tags");`);

    this.addSql(`alter table "registry"."workflow_versions" add column "reason" text null;`);
    this.addSql(
      `create index "workflow_versions_tenant_idx" on "registry"."workflow_versions" ("tenant_id", "workflow_id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "registry"."workflow_versions_tenant_idx";`);
    this.addSql(`alter table "registry"."workflow_versions" drop column "reason";`);

    this.addSql(`drop index "registry"."workflows_tags_idx";`);
    this.addSql(`alter table "registry"."workflows" drop column "tags";`);
  }
}
