/**
 * The relay's public shapes: a tenant's relay config (named destinations with settings and credentials,
 * and a people directory for `notify`), its masked view, deliveries as a run shows them, and the relay's
 * RPC methods. Credentials travel only in a `PUT` body; every view masks them.
 */
import { z } from 'zod';

export const destinationTypes = [
  'slack',
  'teams',
  'email',
  'jira',
  'servicenow',
  'pagerduty',
  'webhook',
] as const;
export const DestinationType = z.enum(destinationTypes);
export type DestinationType = z.infer<typeof DestinationType>;

/** What a masked credential reads as; sending it back in a `PUT` keeps the stored value. */
export const maskedSecret = '********';

export const DestinationName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'a destination name is letters, digits, _ and -, at most 63 chars');

const Url = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });
/**
 * A credential: a new value, the mask (keep the stored one), or null (remove it). The stored form (sealed)
 * is longer than the plaintext; the relay refuses plaintext over 4096 characters.
 */
const Secret = z.string().min(1).max(8192).nullable().optional();
const Headers = z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), z.string().max(2000));

const destination = <T extends DestinationType, S extends z.ZodRawShape, C extends z.ZodRawShape>(
  type: T,
  settings: S,
  credentials: C,
) =>
  z.strictObject({
    type: z.literal(type),
    description: z.string().max(500).optional(),
    settings: z.strictObject(settings),
    credentials: z.strictObject(credentials).default({} as never),
  });

export const SlackDestination = destination(
  'slack',
  {
    /** Web API base (`chat.postMessage`); used when a `token` is set. */
    api_url: Url.default('https://slack.com/api/'),
    /** Where a destination test posts; also the channel of steps that name none. */
    default_channel: z.string().max(200).optional(),
  },
  /** A bot token (Web API), or an incoming webhook URL (itself a secret). */
  { token: Secret, webhook_url: Secret },
);
export const TeamsDestination = destination('teams', {}, { webhook_url: Secret });
export const EmailDestination = destination(
  'email',
  {
    host: z.string().min(1).max(253),
    port: z.int().min(1).max(65535).default(587),
    /** Implicit TLS (port 465); otherwise STARTTLS is required unless `allow_plaintext`. */
    secure: z.boolean().default(false),
    allow_plaintext: z.boolean().default(false),
    from: z.string().min(3).max(320),
    username: z.string().max(320).optional(),
  },
  { password: Secret },
);
export const JiraDestination = destination(
  'jira',
  {
    base_url: Url,
    /** With an email, Basic auth (Jira Cloud); without, the token is a bearer PAT (Data Center). */
    email: z.string().max(320).optional(),
    project: z.string().max(100).optional(),
    issue_type: z.string().max(100).default('Task'),
  },
  { api_token: Secret },
);
export const ServiceNowDestination = destination(
  'servicenow',
  { instance_url: Url, username: z.string().min(1).max(200) },
  { password: Secret },
);
export const PagerDutyDestination = destination(
  'pagerduty',
  { events_url: Url.default('https://events.pagerduty.com/v2/') },
  { routing_key: Secret },
);
export const WebhookDestination = destination(
  'webhook',
  { url: Url.optional(), headers: Headers.optional() },
  /** Signs each request: `X-Riskloop-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
  { signing_secret: Secret },
);

export const DestinationConfig = z.discriminatedUnion('type', [
  SlackDestination,
  TeamsDestination,
  EmailDestination,
  JiraDestination,
  ServiceNowDestination,
  PagerDutyDestination,
  WebhookDestination,
]);
export type DestinationConfig = z.infer<typeof DestinationConfig>;

export const NotifyChannel = z.enum(['slack', 'teams', 'email', 'pagerduty', 'webhook']);

/** One person `notify` can reach: their preferred channel and their address on it. */
export const Recipient = z.strictObject({
  channel: NotifyChannel,
  /** Slack channel or user id, email address; ignored by teams, pagerduty and webhook. */
  address: z.string().max(320).optional(),
  /** A destination of that channel's type; else the channel's default destination. */
  destination: DestinationName.optional(),
});
export type Recipient = z.infer<typeof Recipient>;

const PersonName = z.string().regex(/^[A-Za-z0-9_.@-]{1,200}$/, 'a name is letters, digits, _ . @ -');

export const RelayConfigBody = z.strictObject({
  destinations: z.record(DestinationName, DestinationConfig).default({}),
  /** People by name (`notify: { to: alice }`). */
  recipients: z.record(PersonName, Recipient).default({}),
  /** `role:<name>` and `group:<name>` to the people in them. */
  roles: z.record(PersonName, z.array(PersonName).max(500)).default({}),
  groups: z.record(PersonName, z.array(PersonName).max(500)).default({}),
});
export type RelayConfigBody = z.infer<typeof RelayConfigBody>;
export type RelayConfigInput = z.input<typeof RelayConfigBody>;

/** A destination as `GET` shows it: every credential that is set reads as `maskedSecret`. */
export const DestinationView = z.object({
  type: DestinationType,
  description: z.string().optional(),
  settings: z.record(z.string(), z.unknown()),
  credentials: z.record(z.string(), z.literal(maskedSecret)),
});

export const RelayConfigView = z.object({
  /** Increases on every change; `PUT` with `If-Match` refuses a stale edit. */
  version: z.int().nonnegative(),
  destinations: z.record(z.string(), DestinationView),
  recipients: z.record(z.string(), Recipient),
  roles: z.record(z.string(), z.array(z.string())),
  groups: z.record(z.string(), z.array(z.string())),
  updatedAt: z.string().optional(),
});
export type RelayConfigView = z.infer<typeof RelayConfigView>;

/** One external effect of a run, as `GET /api/runs/:runId` shows it: never a credential. */
export const DeliveryView = z.object({
  stepId: z.string(),
  kind: z.string(),
  attempt: z.int(),
  destination: z.string().nullable(),
  status: z.enum(['in_progress', 'succeeded', 'failed']),
  /** HTTP (or SMTP) tries made for this delivery. */
  tries: z.int(),
  /** More than 1: a relay copy died holding it and another took over. */
  claims: z.int(),
  latencyMs: z.number().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

/** A file a run's `document` step produced (kept by the relay). */
export const ArtifactView = z.object({
  name: z.string(),
  stepId: z.string(),
  mediaType: z.string(),
  size: z.int().nonnegative(),
  /** Hex SHA-256 of the bytes; also the download's ETag. */
  sha256: z.string(),
  createdAt: z.string(),
});
export type ArtifactView = z.infer<typeof ArtifactView>;

export const DestinationTestResult = z.object({
  destination: z.string(),
  type: DestinationType,
  ok: z.boolean(),
  output: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  latencyMs: z.number(),
});
export type DestinationTestResult = z.infer<typeof DestinationTestResult>;

/** Same shape as `RpcMethod` in rpc.ts (not imported: views.ts uses this file, and rpc.ts uses views.ts). */
function rpc<Req extends z.ZodType, Res extends z.ZodType>(method: string, request: Req, response: Res) {
  return { service: 'relay', method, request, response };
}

/** The tenant token for calls about every tenant (key rotation). */
export { allTenants } from './trigger-rpc.ts';

export const relayRpcs = {
  getRelayConfig: rpc('get-relay-config', z.object({}), RelayConfigView),
  putRelayConfig: rpc(
    'put-relay-config',
    z.object({ config: z.unknown(), actor: z.string(), expectedVersion: z.int().nonnegative().optional() }),
    RelayConfigView,
  ),
  testDestination: rpc('test-destination', z.object({ name: z.string() }), DestinationTestResult),
  /** Names and types only (for checking drafts): no settings, no credentials. */
  listDestinations: rpc(
    'list-destinations',
    z.object({}),
    z.object({ items: z.array(z.object({ name: z.string(), type: DestinationType })) }),
  ),
  listDeliveries: rpc(
    'list-deliveries',
    z.object({ runId: z.uuid() }),
    z.object({ items: z.array(DeliveryView) }),
  ),
  /** Re-wrap every tenant's data key with the current master key (call with tenant `allTenants`). */
  rotateKeys: rpc('rotate-keys', z.object({}), z.object({ rewrapped: z.int(), current: z.string() })),
} as const;
