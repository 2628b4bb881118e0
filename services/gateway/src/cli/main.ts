/**
 * `riskloop`: the operator's command line. `tenant create <name>` creates a tenant and prints its first
 * admin API key (stored only as a hash: it cannot be shown again); `workflow test` validates and dry-runs a
 * definition offline; `metrics` scrapes and summarises services' /metrics. `workflow history|metrics|
 * export|import` and `run show` talk to the gateway's API with an API key (connection.ts).
 *
 * The database and NATS libraries are imported by the commands that use them, not here: a command that
 * only talks HTTP starts without loading them (they are most of the start-up time).
 */
import { allTenants, relayRpcs, triggerRpcs } from '@riskloop/contracts';
import { createLogger, parseEnv } from '@riskloop/kit';
import { Command } from 'commander';
import { metricsCommand } from './metrics.ts';
import { evidenceCommands } from './evidence.ts';
import { auditCommands } from './audit.ts';
import { publishCommands } from './publish.ts';
import { workflowTestCommand } from './workflow-test.ts';
import { workflowRunCommands } from './workflow-runs.ts';
import { workflowTransferCommands } from './workflow-transfer.ts';
import { runCommands } from './run-show.ts';

const program = new Command('riskloop').description('operate a riskloop platform');

const tenant = program.command('tenant').description('tenants and their API keys');
tenant
  .command('create <name>')
  .description('create a tenant and print its admin API key')
  .option('--json', 'print JSON')
  .action(async (name: string, options: { json?: boolean }) => {
    const [{ createOrm, ensureDatabase, migrate }, { CommonEnv }, { database }, { createTenant }] =
      await Promise.all([
        import('@riskloop/db'),
        import('@riskloop/runtime'),
        import('../db/index.ts'),
        import('../tenants.ts'),
      ]);
    const env = parseEnv(CommonEnv, process.env);
    await ensureDatabase(env.DATABASE_URL);
    const orm = await createOrm({ url: env.DATABASE_URL, ...database, poolMax: 2 });
    try {
      await migrate(orm, env.DATABASE_URL, database.schema);
      const created = await createTenant(orm, name);
      if (options.json) {
        console.log(JSON.stringify(created));
      } else {
        console.log(`tenant   ${created.name} (${created.tenantId})`);
        console.log(`api key  ${created.apiKey}`);
        console.log('Keep the key: it is stored only as a hash and cannot be shown again.');
      }
    } finally {
      await orm.close();
    }
  });

publishCommands(program);
const workflow = program.command('workflow').description('workflow definitions and their runs');
workflowTestCommand(workflow);
workflowRunCommands(workflow);
workflowTransferCommands(workflow);
runCommands(program);
metricsCommand(program);
evidenceCommands(program);
auditCommands(program);
const keys = program.command('keys').description('the master keys that wrap stored secrets');
keys
  .command('rotate')
  .description(
    're-wrap every tenant data key with the newest RISKLOOP_MASTER_KEYS entry (restart the services with the new key listed last first)',
  )
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const [{ connectBus, request }, { CommonEnv }] = await Promise.all([
      import('@riskloop/bus'),
      import('@riskloop/runtime'),
    ]);
    const env = parseEnv(CommonEnv, process.env);
    const log = createLogger({ service: 'riskloop-cli', level: 'warn' });
    const bus = await connectBus({
      servers: env.NATS_URL,
      name: 'riskloop-cli',
      prefix: env.NATS_PREFIX,
      log,
    });
    try {
      // Every service that stores sealed secrets re-wraps its own tenants' data keys.
      const relay = await request(bus, relayRpcs.rotateKeys, allTenants, {}, { timeoutMs: 60_000 });
      const triggers = await request(bus, triggerRpcs.rotateKeys, allTenants, {}, { timeoutMs: 60_000 });
      if (options.json) console.log(JSON.stringify({ relay, 'trigger-router': triggers }));
      else {
        console.log(
          `relay           ${relay.rewrapped} data keys re-wrapped with master key ${relay.current}`,
        );
        console.log(
          `trigger-router  ${triggers.rewrapped} data keys re-wrapped with master key ${triggers.current}`,
        );
      }
    } finally {
      await bus.nc.drain();
    }
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`riskloop: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
