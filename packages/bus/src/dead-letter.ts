/** Move a message that cannot be processed to the dead-letter stream, keeping it whole with its reason. */
import type { JsMsg } from '@nats-io/jetstream';
import { subjects, type DeadLetter } from '@riskloop/contracts';
import type { BusConnection } from './connect.ts';

export interface DeadLetterOptions {
  stream: string;
  consumer: string;
  reason: string;
}

export async function deadLetter(bus: BusConnection, msg: JsMsg, options: DeadLetterOptions): Promise<void> {
  const headers: Record<string, string[]> = {};
  for (const [key, values] of msg.headers ?? []) headers[key] = values;
  const letter: DeadLetter = {
    reason: options.reason,
    stream: options.stream,
    consumer: options.consumer,
    subject: bus.unprefix(msg.subject),
    streamSequence: msg.info.streamSequence,
    deliveries: msg.info.deliveryCount,
    failedAt: new Date().toISOString(),
    headers,
    data: msg.string(),
  };
  // The stream sequence makes dead-lettering the same message twice (a crash in between) a no-op.
  await bus.js.publish(
    bus.subject(subjects.deadLetter(options.stream, options.consumer)),
    JSON.stringify(letter),
    {
      msgID: `${options.stream}:${options.consumer}:${msg.info.streamSequence}`,
    },
  );
}
