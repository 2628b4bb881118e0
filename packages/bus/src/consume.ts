/**
 * The consume loop every service uses: a shared durable pull consumer, zod decoding, and handler outcomes
 * mapped to ack, nak with backoff, or dead letter + term. A service writes only `handle(event)`.
 *
 * Outcomes:
 * - the handler returns: ack.
 * - it throws a retryable error (or anything that is not a `RiskloopError`): nak with exponential backoff,
 *   until `maxDeliver` deliveries; then dead letter.
 * - it throws a terminal `RiskloopError`, or the message does not decode: dead letter at once.
 *
 * nats-server 2.9 ignores `term(reason)`, so the reason travels in the dead letter, and `term()` is called
 * without one.
 */
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { CloudEvent, type StreamSpec } from '@riskloop/contracts';
import {
  describeError,
  inSpan,
  isRiskloopError,
  metrics,
  onScrape,
  RiskloopError,
  SpanKind,
  tenantScope,
} from '@riskloop/kit';
import type { z } from 'zod';
import type { BusConnection } from './connect.ts';
import { deadLetter } from './dead-letter.ts';

export interface MessageContext {
  /** The contract subject (prefix removed). */
  subject: string;
  /** 1 on first delivery. */
  deliveryCount: number;
  streamSequence: number;
}

export interface ConsumerOptions<S extends z.ZodType> {
  stream: StreamSpec;
  /** Durable name; every copy of a service uses the same one and they share the messages. */
  durable: string;
  /** Contract subject filter, e.g. `step.exec.webhook.*`. */
  filter?: string;
  /** Schema of the whole CloudEvent (use `cloudEventOf(Data)`). */
  schema: S;
  handle: (event: z.infer<S>, context: MessageContext) => Promise<void>;
  /** Deliveries before a message is dead-lettered. */
  maxDeliver?: number;
  /** How long a delivered message may stay unacknowledged before redelivery (a crashed holder). */
  ackWaitMs?: number;
  /** Messages handled at once by this process. */
  concurrency?: number;
  /** Delay before redelivery after the n-th failed delivery. */
  backoffMs?: (deliveryCount: number) => number;
}

export interface RunningConsumer {
  /** Stop pulling, hand back unstarted messages, wait for in-flight handlers. */
  stop(): Promise<void>;
  /** Resolves when the loop ends. */
  done: Promise<void>;
}

const defaultBackoff = (n: number) => Math.min(30_000, 250 * 2 ** (n - 1));

export async function startConsumer<S extends z.ZodType>(
  bus: BusConnection,
  options: ConsumerOptions<S>,
): Promise<RunningConsumer> {
  const streamName = bus.streamName(options.stream.name);
  const maxDeliver = options.maxDeliver ?? 5;
  const concurrency = options.concurrency ?? 16;
  await ensureConsumer(bus, streamName, {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    // One more than ours so that our own loop, not the server, decides when to give up.
    max_deliver: maxDeliver + 1,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    max_ack_pending: 10_000,
    ...(options.filter ? { filter_subject: bus.subject(options.filter) } : {}),
  });
  const consumer = await bus.js.consumers.get(streamName, options.durable);
  const messages = await consumer.consume({ max_messages: concurrency * 2 });
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const backoff = options.backoffMs ?? defaultBackoff;
  const labels = { service: bus.service, consumer: options.durable };
  const counted = (outcome: 'ack' | 'retry' | 'dead_letter') => metrics.messages.inc({ ...labels, outcome });
  const stopLag = onScrape(async () => {
    const info = await consumer.info(true);
    metrics.consumerLag.set(labels, info.num_pending);
  });

  const handleOne = async (msg: JsMsg): Promise<void> => {
    const context: MessageContext = {
      subject: bus.unprefix(msg.subject),
      deliveryCount: msg.info.deliveryCount,
      streamSequence: msg.info.streamSequence,
    };
    const decoded = decode(msg, options.schema, context.subject);
    if (!decoded.ok) {
      await deadLetter(bus, msg, { stream: streamName, consumer: options.durable, reason: decoded.reason });
      msg.term();
      counted('dead_letter');
      metrics.deadLetters.inc(labels);
      return;
    }
    const timer = metrics.messageSeconds.startTimer(labels);
    try {
      // the event's tenant is the database's scope while it is handled (row-level security), in a span of
      // the trace the event came with
      const { tenantid, traceparent } = decoded.event as { tenantid: string; traceparent?: string };
      await inSpan(
        `consume ${options.durable}`,
        {
          parent: traceparent ?? msg.headers?.get('traceparent'),
          kind: SpanKind.CONSUMER,
          attributes: { 'messaging.destination': context.subject, 'riskloop.tenant': tenantid },
        },
        () => tenantScope.run(tenantid, () => options.handle(decoded.event, context)),
      );
      msg.ack();
      counted('ack');
    } catch (error) {
      const terminal = isRiskloopError(error) && !error.retryable ? error : undefined;
      if (terminal || context.deliveryCount >= maxDeliver) {
        const reason = terminal
          ? `${terminal.code}: ${terminal.message}`
          : `gave up after ${context.deliveryCount} deliveries: ${describeError(error)}`;
        bus.log.warn({ err: error, subject: context.subject }, 'message dead-lettered');
        await deadLetter(bus, msg, { stream: streamName, consumer: options.durable, reason });
        msg.term();
        counted('dead_letter');
        metrics.deadLetters.inc(labels);
      } else {
        bus.log.info(
          { err: error, subject: context.subject, delivery: context.deliveryCount },
          'message retried',
        );
        msg.nak(backoff(context.deliveryCount));
        counted('retry');
      }
    } finally {
      timer();
    }
  };

  const slots = createSemaphore(concurrency);
  const done = (async () => {
    for await (const msg of messages) {
      if (stopping) {
        msg.nak();
        continue;
      }
      await slots.acquire();
      if (stopping) {
        // stop() came while this message waited for a free slot: it has not started, so hand it back too.
        slots.release();
        msg.nak();
        continue;
      }
      const task = handleOne(msg)
        .catch((error: unknown) => bus.log.error({ err: error }, 'consume loop error'))
        .finally(() => {
          slots.release();
          inFlight.delete(task);
        });
      inFlight.add(task);
    }
  })();

  return {
    done,
    async stop() {
      stopping = true;
      stopLag();
      await messages.close();
      await done;
      await Promise.all(inFlight);
    },
  };
}

type Decoded<T> = { ok: true; event: T } | { ok: false; reason: string };

function decode<S extends z.ZodType>(msg: JsMsg, schema: S, subject: string): Decoded<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(msg.string());
  } catch (error) {
    return { ok: false, reason: `not JSON: ${describeError(error)}` };
  }
  const envelope = CloudEvent.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `not a CloudEvent: ${formatIssues(envelope.error)}` };
  // Subjects carry the tenant: an event whose tenant is not in its subject is refused.
  if (!subject.split('.').includes(envelope.data.tenantid)) {
    return { ok: false, reason: `tenant ${envelope.data.tenantid} does not match subject ${subject}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return { ok: false, reason: `invalid ${envelope.data.type}: ${formatIssues(parsed.error)}` };
  return { ok: true, event: parsed.data };
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

async function ensureConsumer(
  bus: BusConnection,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  try {
    await bus.jsm.consumers.info(stream, config.durable_name);
    const { durable_name, deliver_policy: _d, ack_policy: _a, filter_subject: _f, ...changeable } = config;
    await bus.jsm.consumers.update(stream, durable_name, changeable);
  } catch (error) {
    if (!(error instanceof Error && /not found/i.test(error.message))) {
      throw new RiskloopError('bus_setup', `cannot provision consumer ${config.durable_name}`, {
        cause: error,
      });
    }
    try {
      await bus.jsm.consumers.add(stream, config);
    } catch (addError) {
      // Another copy starting at the same moment created it first (same config: nothing to do).
      if (!(addError instanceof Error && /already (exists|in use)/i.test(addError.message))) throw addError;
    }
  }
}

function createSemaphore(size: number) {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    acquire: () =>
      free > 0 ? ((free -= 1), Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    },
  };
}
