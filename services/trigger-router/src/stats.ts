/**
 * What the trigger router has accepted and dead-lettered, as counts: the tenant's accepted outside events
 * from PostgreSQL, dead letters (unknown tenant or KRI, malformed payloads) from the DEAD_LETTERS stream, by
 * consumer. The metrics until Prometheus metrics arrive (issue 9).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { BusConnection } from '@riskloop/bus';
import { streams } from '@riskloop/contracts';

const consumers = { kri_breach: 'trigger-router-breaches', event: 'trigger-router-events' } as const;

export function createStats(bus: BusConnection, orm: MikroORM) {
  return {
    async read(tenant: string) {
      const triggers = bus.streamName(streams.triggers.name);
      const info = await bus.jsm.streams.info(bus.streamName(streams.deadLetters.name), {
        subjects_filter: bus.subject(`dlq.${triggers}.>`),
      });
      const bySubject = info.state.subjects ?? {};
      const deadLettered: Record<string, number> = {};
      for (const [kind, durable] of Object.entries(consumers)) {
        deadLettered[kind] = bySubject[bus.subject(`dlq.${triggers}.${durable}`)] ?? 0;
      }
      const rows = await orm.em
        .fork()
        .execute<{ kind: string; n: string }[]>(
          `select kind, count(*) as n from "trigger_router"."received_events" where tenant_id = ? group by kind`,
          [tenant],
        );
      const received = Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
      return { deadLettered, received };
    },
  };
}
