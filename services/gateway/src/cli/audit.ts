/** `riskloop audit verify [--tenant <id>]`: walk each tenant's audit chain; exit 1 at the first problem. */
import { parseEnv } from '@riskloop/kit';
import type { Command } from 'commander';

export function auditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('check every entry of each tenant chain; report the first missing, altered or misplaced one')
    .option('--tenant <id>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      // the database libraries load when the command runs (main.ts says why)
      const [{ createOrm }, { CommonEnv }, { verifyAudit }, { database }] = await Promise.all([
        import('@riskloop/db'),
        import('@riskloop/runtime'),
        import('../audit/log.ts'),
        import('../db/index.ts'),
      ]);
      const env = parseEnv(CommonEnv, process.env);
      const orm = await createOrm({ url: env.DATABASE_URL, ...database, poolMax: 2 });
      try {
        const verdicts = await verifyAudit(orm, options.tenant);
        if (options.json) console.log(JSON.stringify(verdicts));
        else
          for (const v of verdicts)
            console.log(
              v.ok
                ? `ok      ${v.tenantId}  ${v.entries} entries`
                : `BROKEN  ${v.tenantId}  at entry ${v.problem?.seq}: ${v.problem?.reason}`,
            );
        if (verdicts.some((v) => !v.ok)) process.exitCode = 1;
      } finally {
        await orm.close();
      }
    });
}
