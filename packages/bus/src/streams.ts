/** Provision the platform's streams idempotently: create what is missing, update what changed. */
import { RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { StreamSpec } from '@riskloop/contracts';
import type { BusConnection } from './connect.ts';

export async function ensureStreams(bus: BusConnection, specs: readonly StreamSpec[]): Promise<void> {
  for (const spec of specs) {
    const config: Partial<StreamConfig> & { name: string } = {
      name: bus.streamName(spec.name),
      subjects: spec.subjects.map((s) => bus.subject(s)),
      retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(spec.maxAgeMs),
      duplicate_window: nanos(spec.duplicateWindowMs),
    };
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
