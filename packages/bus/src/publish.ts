/** Publish a CloudEvent to JetStream, deduplicated by `Nats-Msg-Id`. */
import type { PubAck } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type { CloudEvent } from '@riskloop/contracts';
import { currentTraceparent, RiskloopError } from '@riskloop/kit';
import type { BusConnection } from './connect.ts';

export interface PublishOptions {
  /** Defaults to the event id: a second publish of the same event inside the window is dropped. */
  msgId?: string;
  timeoutMs?: number;
}

export async function publishEvent(
  bus: BusConnection,
  subject: string,
  event: CloudEvent,
  options: PublishOptions = {},
): Promise<PubAck> {
  const h = headers();
  h.set('Content-Type', 'application/cloudevents+json');
  h.set('ce-tenantid', event.tenantid);
  const traceparent = event.traceparent ?? currentTraceparent();
  if (traceparent) h.set('traceparent', traceparent);
  try {
    return await bus.js.publish(bus.subject(subject), JSON.stringify(event), {
      msgID: options.msgId ?? event.id,
      headers: h,
      timeout: options.timeoutMs ?? 5_000,
    });
  } catch (error) {
    throw RiskloopError.unavailable(`publish to ${subject} was not acknowledged`, error);
  }
}
