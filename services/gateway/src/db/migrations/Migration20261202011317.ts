import { Migration } from '@mikro-orm/migrations';

export class Migration20261202011317 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "gateway"."audit_log" add constraint "audit_log_tenant_id_unique" unique ("tenant_id", "id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "gateway"."audit_log" drop constraint "audit_log_tenant_id_unique";`);
  }
}
