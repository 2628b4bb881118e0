/**
 * The envelope of every message on NATS: CloudEvents 1.0 JSON with the `tenantid` and `traceparent`
 * extensions.
 */
import { z } from 'zod';

export const CloudEvent = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().optional(),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json').default('application/json'),
  tenantid: z.string().min(1),
  traceparent: z.string().optional(),
  data: z.unknown(),
});
export type CloudEvent<T = unknown> = Omit<z.infer<typeof CloudEvent>, 'data'> & { data: T };

/** A CloudEvent whose `data` is checked by `data`. */
export function cloudEventOf<D extends z.ZodType>(data: D) {
  return CloudEvent.extend({ data });
}

export interface CloudEventInit<T> {
  id: string;
  source: string;
  type: string;
  tenant: string;
  data: T;
  subject?: string;
  time?: Date;
  traceparent?: string;
}

/** Build an envelope. `time` defaults to now. */
export function cloudEvent<T>(init: CloudEventInit<T>): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: init.id,
    source: init.source,
    type: init.type,
    ...(init.subject === undefined ? {} : { subject: init.subject }),
    time: (init.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    tenantid: init.tenant,
    ...(init.traceparent === undefined ? {} : { traceparent: init.traceparent }),
    data: init.data,
  };
}
