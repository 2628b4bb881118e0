/**
 * The platform for the bench, each service its own process. Services start one after another rather than
 * all at once: on a busy 2-core machine six processes compiling TypeScript together can miss the
 * testkit's ready timeout.
 */
import { startPlatform, type Platform, type ServiceName } from '@riskloop/testkit';

export async function startBenchPlatform(
  services: readonly ServiceName[],
  env: Record<string, string>,
  allowTargets: readonly string[],
): Promise<Platform> {
  const platform = await startPlatform({ services: [], env, allowTargets });
  try {
    for (const name of services) {
      const started = await platform.start(name);
      if (name === 'gateway') platform.gatewayUrl = `http://127.0.0.1:${String(started.ready.port)}`;
    }
  } catch (error) {
    await platform.stop();
    throw error;
  }
  return platform;
}
