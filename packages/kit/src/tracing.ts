/**
 * Traces with OpenTelemetry: W3C trace context travels with every message (the CloudEvent `traceparent`
 * extension and the NATS `traceparent` header), every RPC and every HTTP request, so one trace follows a
 * breach through the trigger-router, runner, relay and kri-emitter. Export is off unless
 * `OTEL_EXPORTER_OTLP_ENDPOINT` names an OTLP/HTTP collector; off, spans cost nothing and record nothing.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export { SpanKind };

/** Start exporting this process's spans to `endpoint` (unset: off). Resolves the flush on shutdown. */
let started = false;

export function startTracing(service: string, endpoint: string | undefined): () => Promise<void> {
  // several services sharing a process (npm start) share its first provider
  if (!endpoint || started) return () => Promise.resolve();
  started = true;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` })),
    ],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return () => provider.shutdown();
}

/** The current trace context as a W3C `traceparent`, if there is one. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

export interface SpanOptions {
  /** The `traceparent` the work came with (a message, an RPC, an HTTP request). */
  parent?: string | undefined;
  kind?: SpanKind;
  attributes?: Attributes;
}

/** Run `work` in a span, a child of `parent` when given; a throw marks the span as an error. */
export function inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  const parent = options.parent
    ? propagation.extract(context.active(), { traceparent: options.parent })
    : context.active();
  return trace
    .getTracer('riskloop')
    .startActiveSpan(
      name,
      { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {} },
      parent,
      async (span) => {
        try {
          return await work();
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
    );
}
