import { Migration } from '@mikro-orm/migrations';

export class Migration20261122072800 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "registry"."workflow_versions" add column "provenance" jsonb null;`);
    this.addSql(
      `create unique index "workflow_versions_interview_idx" on "registry"."workflow_versions" ((provenance->>'interviewId')) where provenance is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "registry"."workflow_versions_interview_idx";`);
    this.addSql(`alter table "registry"."workflow_versions" drop column "provenance";`);
  }
}
