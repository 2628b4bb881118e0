/**
 * `riskloop kri publish-breach` and `riskloop event publish`: an operator publishes what the risk engine or
 * another system would, onto NATS (`NATS_URL`, `NATS_PREFIX`), as a CloudEvent. `--tenant` takes the
 * tenant's id or name (a name is looked up in the gateway's database).
 */
import { cloudEvent, ExternalEventType, KriThreshold, kriEventTypes, subjects } from '@riskloop/contracts';
import { createLogger, parseEnv, RiskloopError } from '@riskloop/kit';
import type { CommonEnv } from '@riskloop/runtime';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';

// The database and NATS libraries load when a command runs (main.ts says why).
async function tenantIdOf(env: CommonEnv, tenant: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenant)) return tenant;
  const [{ createOrm }, { database }, { Tenant }] = await Promise.all([
    import('@riskloop/db'),
    import('../db/index.ts'),
    import('../db/entities.ts'),
  ]);
  const orm = await createOrm({ url: env.DATABASE_URL, ...database, poolMax: 1 });
  try {
    const row = await orm.em.fork().findOne(Tenant, { name: tenant });
    if (!row) throw RiskloopError.notFound('tenant', tenant);
    return row.id;
  } finally {
    await orm.close();
  }
}

async function publish(
  subject: (tenant: string) => string,
  build: (tenant: string) => Parameters<typeof cloudEvent>[0],
  tenantArg: string,
) {
  const [{ connectBus, publishEvent }, { CommonEnv }] = await Promise.all([
    import('@riskloop/bus'),
    import('@riskloop/runtime'),
  ]);
  const env = parseEnv(CommonEnv, process.env);
  const tenant = await tenantIdOf(env, tenantArg);
  const bus = await connectBus({
    servers: env.NATS_URL,
    name: 'riskloop-cli',
    prefix: env.NATS_PREFIX,
    log: createLogger({ service: 'cli', level: 'silent' }),
  });
  try {
    const event = cloudEvent(build(tenant));
    await publishEvent(bus, subject(tenant), event);
    console.log(JSON.stringify({ published: subject(tenant), id: event.id }));
  } finally {
    await bus.nc.drain();
  }
}

export function publishCommands(program: Command): void {
  const kri = program.command('kri').description('the KRI loop');
  kri
    .command('publish-breach')
    .description('publish a kri.threshold.breached (or --recovered) event as the risk engine would')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--kri <kri>', 'KRI id, e.g. critical_cves_unpatched')
    .requiredOption('--value <n>', 'observed value')
    .requiredOption('--threshold <n>', 'threshold')
    .option('--direction <above|below>', 'breached when the value is above or below', 'above')
    .option('--severity <low|medium|high|critical>', 'severity', 'high')
    .option('--id <id>', "the source's event id (the dedupe key); default: a new UUID")
    .option('--breach-id <id>', "the risk engine's id of the breach episode")
    .option('--recovered', 'publish kri.threshold.recovered instead')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const data = KriThreshold.parse({
        kri: o.kri,
        value: Number(o.value),
        threshold: Number(o.threshold),
        direction: o.direction,
        severity: o.severity,
        observed_at: new Date().toISOString(),
        ...(o.breachId ? { breach_id: o.breachId } : {}),
      });
      await publish(
        (tenant) => subjects.kriBreach(tenant, data.kri),
        (tenant) => ({
          id: typeof o.id === 'string' ? o.id : randomUUID(),
          source: 'riskloop-cli',
          type: o.recovered ? kriEventTypes.recovered : kriEventTypes.breached,
          tenant,
          data,
        }),
        String(o.tenant),
      );
    });

  program
    .command('event')
    .description("other systems' events")
    .command('publish')
    .description('publish a CloudEvent of another system to event.<tenant>.<type>')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--type <type>', 'e.g. policy.violation.created')
    .requiredOption('--data <json>', 'the event data: a JSON object')
    .option('--id <id>', "the source's event id (the dedupe key); default: a new UUID")
    .option('--source <source>', 'the CloudEvent source', 'riskloop-cli')
    .action(async (o: { tenant: string; type: string; data: string; id?: string; source: string }) => {
      const type = ExternalEventType.parse(o.type);
      const data = JSON.parse(o.data) as unknown;
      if (data === null || typeof data !== 'object' || Array.isArray(data))
        throw new Error('--data must be a JSON object');
      await publish(
        (tenant) => subjects.externalEvent(tenant, type),
        (tenant) => ({ id: o.id ?? randomUUID(), source: o.source, type, tenant, data }),
        o.tenant,
      );
    });
}
