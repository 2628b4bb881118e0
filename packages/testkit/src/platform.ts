/** The whole platform as separate processes on a fresh database and NATS prefix: what the e2e tests drive. */
import { generateMasterKey } from '@riskloop/crypto';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { connectTestBus, natsUrl, type TestBus } from './nats.ts';
import { serviceNames, startProcess, type ServiceName, type ServiceProcess } from './processes.ts';

export interface Platform {
  db: TestDatabase;
  testBus: TestBus;
  env: Record<string, string>;
  processes: ServiceProcess[];
  gatewayUrl: string;
  /** Start one more copy of a service (scale-out, restart after a kill). */
  start(name: ServiceName, extraEnv?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Which services to start, in order (default: all, gateway last). */
  services?: readonly ServiceName[];
  env?: Record<string, string>;
  /**
   * Local servers (URLs or `host:port`) the relay may call despite its SSRF guard: the sink, the SaaS
   * fakes. Everything else private stays refused.
   */
  allowTargets?: readonly string[];
}

/** `http://127.0.0.1:4000/x` or `127.0.0.1:4000` -> `127.0.0.1:4000`. */
function hostPort(target: string): string {
  return URL.canParse(target) ? new URL(target).host : target;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const db = await createTestDatabase();
  const testBus = await connectTestBus();
  const env = {
    DATABASE_URL: db.url,
    NATS_URL: natsUrl(),
    NATS_PREFIX: testBus.prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    // A fresh master key per platform: the relay seals credentials and the trigger-router webhook secrets.
    RISKLOOP_MASTER_KEYS: generateMasterKey('v1'),
    RELAY_ALLOW_TARGETS: (options.allowTargets ?? []).map(hostPort).join(','),
    ...options.env,
  };
  const processes: ServiceProcess[] = [];
  const start = async (name: ServiceName, extraEnv: Record<string, string> = {}) => {
    const p = await startProcess(name, { env: { ...env, ...extraEnv } });
    processes.push(p);
    return p;
  };
  let gatewayUrl = '';
  try {
    // Services boot in parallel (each waits for nothing but PostgreSQL and NATS); the gateway last.
    const names = options.services ?? serviceNames;
    // allSettled: when one fails, the others still starting are waited for, so that all are stopped below.
    const started = await Promise.allSettled(names.filter((n) => n !== 'gateway').map((n) => start(n)));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    if (names.includes('gateway'))
      gatewayUrl = `http://127.0.0.1:${String((await start('gateway')).ready.port)}`;
  } catch (error) {
    await Promise.all(processes.map((p) => p.kill()));
    await testBus.close();
    await db.drop();
    throw error;
  }
  return {
    db,
    testBus,
    env,
    processes,
    gatewayUrl,
    start,
    async stop() {
      await Promise.all(processes.map((p) => p.stop()));
      await testBus.close();
      await db.drop();
    },
  };
}
