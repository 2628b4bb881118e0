/** `/readyz`: the gateway's own database, and at least one live copy of every service the API needs. */
import { ping, type BusConnection } from '@riskloop/bus';
import type { MikroORM } from '@mikro-orm/postgresql';

export const requiredServices = ['registry', 'trigger-router', 'runner', 'relay'] as const;

export function createReadiness(bus: BusConnection, orm: MikroORM) {
  return async (): Promise<Record<string, boolean>> => {
    const database = orm.em
      .fork()
      .execute('select 1')
      .then(() => true)
      .catch(() => false);
    const services = await Promise.all(requiredServices.map(async (s) => [s, await ping(bus, s)] as const));
    return { database: await database, nats: !bus.nc.isClosed(), ...Object.fromEntries(services) };
  };
}
