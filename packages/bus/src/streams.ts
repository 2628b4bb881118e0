/** Provision the platform's streams idempotently: create what is missing, update what changed. */
import { RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { StreamSpec } from '@riskloop/contracts';
import type { BusConnection } from './connect.ts';

export interface EnsureStreamsOptions {
  /**
   * Copies of each stream kept by a JetStream cluster (1 to 5; 3 tolerates the loss of one server).
   * A single server can only hold 1. Raising it on a cluster re-replicates existing streams. Default 1.
   */
  replicas?: number;
}

/**
 * The JetStream configuration of one stream for this deployment (prefix, replicas).
 *
 * @example streamConfig(bus, streams.runs, { replicas: 3 }).num_replicas // 3
 */
export function streamConfig(
  names: Pick<BusConnection, 'subject' | 'streamName'>,
  spec: StreamSpec,
  options: EnsureStreamsOptions = {},
): Partial<StreamConfig> & { name: string } {
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5)
    throw new RangeError(`stream replicas must be an integer from 1 to 5, got ${replicas}`);
  return {
    name: names.streamName(spec.name),
    subjects: spec.subjects.map((s) => names.subject(s)),
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: replicas,
    max_age: nanos(spec.maxAgeMs),
    duplicate_window: nanos(spec.duplicateWindowMs),
  };
}

/**
 * @example await ensureStreams(bus, Object.values(streams), { replicas: env.NATS_STREAM_REPLICAS });
 */
export async function ensureStreams(
  bus: BusConnection,
  specs: readonly StreamSpec[],
  options: EnsureStreamsOptions = {},
): Promise<void> {
  for (const spec of specs) {
    const config = streamConfig(bus, spec, options);
    try {
      await bus.jsm.streams.info(config.name);
      const { retention: _retention, ...changeable } = config;
      await bus.jsm.streams.update(config.name, changeable);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await bus.jsm.streams.add(config);
      } catch (addError) {
        // Another copy starting at the same moment created it first.
        if (!(addError instanceof Error && /already in use|already exists/i.test(addError.message)))
          throw addError;
      }
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}
