/**
 * The setup every end-to-end test file shares: a sink standing in for webhook receivers, the platform as
 * separate processes on a fresh database and NATS prefix, and a tenant whose key the `api` client uses.
 * Call at the top level of a test file; the hooks start everything before its tests and stop it after.
 */
import { afterAll, beforeAll } from 'vitest';
import { apiClient, createTenant, type Api } from './api.ts';
import { startPlatform, type Platform, type PlatformOptions } from './platform.ts';
import { startSink, type Sink } from './sink.ts';

export interface PlatformFixture {
  readonly platform: Platform;
  readonly sink: Sink;
  /** The admin key of tenant `acme`, created through the CLI. */
  readonly apiKey: string;
  /** HTTP to the gateway with `apiKey`. */
  api: Api;
}

export interface UsePlatformOptions extends PlatformOptions {
  /** More servers the relay may call (e.g. SaaS fakes started by an earlier `beforeAll`), read at start. */
  targets?: () => readonly string[];
  /** More environment for every service, read at start (e.g. the URL of a store an earlier `beforeAll` started). */
  lateEnv?: () => Record<string, string>;
}

export function usePlatform(options: UsePlatformOptions = {}): PlatformFixture {
  let platform: Platform | undefined;
  let sink: Sink | undefined;
  let apiKey: string | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`the platform fixture has no ${what} yet (used outside a test?)`);
    return value;
  };
  beforeAll(async () => {
    sink = await startSink();
    const { targets, lateEnv, ...platformOptions } = options;
    platform = await startPlatform({
      ...platformOptions,
      env: { ...options.env, ...lateEnv?.() },
      allowTargets: [sink.url, ...(options.allowTargets ?? []), ...(targets?.() ?? [])],
    });
    apiKey = await createTenant(platform.env, 'acme');
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await sink?.close();
  });
  const fixture: PlatformFixture = {
    get platform() {
      return ready(platform, 'platform');
    },
    get sink() {
      return ready(sink, 'sink');
    },
    get apiKey() {
      return ready(apiKey, 'API key');
    },
    api: apiClient(
      () => fixture.platform.gatewayUrl,
      () => fixture.apiKey,
    ),
  };
  return fixture;
}
