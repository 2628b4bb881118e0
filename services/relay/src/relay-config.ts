/**
 * A tenant's relay config: stored with every credential sealed (envelope encryption, the tenant and the
 * field `destinations.<name>.<credential>` bound as associated data), shown with every credential masked,
 * opened only in memory for the call that needs it. Every URL and mail host is checked by the SSRF guard
 * on save (and again when a connector connects).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { announceChange, createTenantCache, type BusConnection } from '@riskloop/bus';
import {
  fieldErrors,
  maskedSecret,
  RelayConfigBody,
  subjects,
  type DestinationConfig,
  type DestinationType,
  type RelayConfigView,
} from '@riskloop/contracts';
import type { Keyring } from '@riskloop/crypto';
import { RiskloopError } from '@riskloop/kit';
import type { AddressPolicy } from './net/address-policy.ts';

/** A destination with its credentials opened: lives only for one call, never stored or logged. */
export interface OpenDestination {
  name: string;
  config: DestinationConfig;
  credentials: Record<string, string>;
}

interface Stored {
  config: RelayConfigBody;
  version: number;
  updatedAt?: string;
}

const urlSettings = ['api_url', 'base_url', 'instance_url', 'events_url', 'url'] as const;
const urlCredentials = ['webhook_url'] as const;
const emailLike = /^[^@\s]+@[^@\s]+$/;

export interface RelayConfigStoreOptions {
  orm: MikroORM;
  keyring: Keyring;
  policy: AddressPolicy;
  /**
   * With a bus, `current` keeps each tenant's config in memory (every step command reads it) and a save
   * announces the change to every relay copy, which drop theirs (see `createTenantCache`).
   */
  bus?: BusConnection;
}

export function createRelayConfigStore({ orm, keyring, policy, bus }: RelayConfigStoreOptions) {
  const load = async (tenant: string): Promise<Stored> => {
    const [row] = await orm.em
      .fork()
      .execute<{ document: unknown; version: number; updated_at: Date }[]>(
        `select document, version, updated_at from "relay"."relay_configs" where tenant_id = ?`,
        [tenant],
      );
    if (!row) return { config: RelayConfigBody.parse({}), version: 0 };
    return {
      config: RelayConfigBody.parse(row.document),
      version: row.version,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  };

  const cache =
    bus &&
    createTenantCache({
      bus,
      notices: subjects.relayConfigChangedAll(),
      ttlMs: 30_000,
      load: async (tenant) => (await load(tenant)).config,
    });

  const seal = async (tenant: string, body: RelayConfigBody, previous: RelayConfigBody) => {
    for (const [name, destination] of Object.entries(body.destinations)) {
      const before = previous.destinations[name];
      const kept = before?.type === destination.type ? (before.credentials as Record<string, unknown>) : {};
      const credentials: Record<string, string> = {};
      for (const [field, value] of Object.entries(
        destination.credentials as Record<string, string | null | undefined>,
      )) {
        const path = `destinations.${name}.credentials.${field}`;
        if (value === null) continue;
        if (value === undefined || value === maskedSecret) {
          const stored = kept[field];
          if (typeof stored !== 'string') {
            if (value === maskedSecret) throw RiskloopError.invalid('no stored value to keep', path);
            continue;
          }
          credentials[field] = stored;
          continue;
        }
        if (value.length > 4096) throw RiskloopError.invalid('a credential is at most 4096 characters', path);
        if ((urlCredentials as readonly string[]).includes(field)) await policy.checkUrl(value, path);
        credentials[field] = await keyring.seal(tenant, `destinations.${name}.${field}`, value);
      }
      // A credential the PUT left out keeps its stored value, like one sent masked.
      for (const [field, stored] of Object.entries(kept)) {
        if (!(field in destination.credentials) && typeof stored === 'string') {
          credentials[field] = stored;
        }
      }
      (destination as { credentials: Record<string, string> }).credentials = credentials;
    }
  };

  return {
    async view(tenant: string): Promise<RelayConfigView> {
      return toView(await load(tenant));
    },

    async save(
      tenant: string,
      input: unknown,
      actor: string,
      expectedVersion?: number,
    ): Promise<RelayConfigView> {
      const parsed = RelayConfigBody.safeParse(input);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error);
        throw RiskloopError.invalid(errors[0]?.message ?? 'invalid relay config', errors[0]?.path, {
          errors,
        });
      }
      const body = parsed.data;
      await checkTargets(body, policy);
      checkDirectory(body);
      const previous = await load(tenant);
      if (expectedVersion !== undefined && expectedVersion !== previous.version) {
        throw new RiskloopError(
          'stale',
          `the relay config is at version ${previous.version}, not ${expectedVersion}`,
          {
            status: 412,
          },
        );
      }
      await seal(tenant, body, previous.config);
      const rows = await orm.em.fork().execute<{ version: number; updated_at: Date }[]>(
        `insert into "relay"."relay_configs" (tenant_id, document, version, updated_by, updated_at)
         values (?, ?::jsonb, 1, ?, now())
         on conflict (tenant_id) do update
           set document = excluded.document, version = "relay_configs".version + 1,
               updated_by = excluded.updated_by, updated_at = now()
           where "relay_configs".version = ?
         returning version, updated_at`,
        [tenant, JSON.stringify(body), actor, previous.version],
      );
      const [row] = rows;
      if (!row) throw RiskloopError.conflict('the relay config changed while it was being saved; try again');
      if (bus) announceChange(bus, subjects.relayConfigChanged(tenant));
      return toView({
        config: body,
        version: row.version,
        updatedAt: new Date(row.updated_at).toISOString(),
      });
    },

    /** The tenant's whole config (people directory included), credentials still sealed. */
    async current(tenant: string): Promise<RelayConfigBody> {
      return cache ? cache.get(tenant) : (await load(tenant)).config;
    },

    stop(): void {
      cache?.stop();
    },

    /**
     * The destination a step goes to: the one it names, else the one named like its type, else the
     * tenant's only destination of that type. Undefined only when `optional` and nothing matches.
     */
    async open(
      tenant: string,
      config: RelayConfigBody,
      type: DestinationType,
      name: string | undefined,
      optional = false,
    ): Promise<OpenDestination | undefined> {
      const chosen = name ?? defaultDestination(config, type);
      if (chosen === undefined) {
        if (optional) return undefined;
        throw new RiskloopError(
          'destination_not_configured',
          `no ${type} destination is configured: add one to the relay config (PUT /api/relay-config)`,
        );
      }
      const destination = config.destinations[chosen];
      if (!destination) {
        throw new RiskloopError('destination_not_found', `the relay config has no destination ${chosen}`);
      }
      if (destination.type !== type) {
        throw new RiskloopError(
          'destination_type_mismatch',
          `destination ${chosen} is ${destination.type}, not ${type}`,
        );
      }
      const credentials: Record<string, string> = {};
      for (const [field, sealed] of Object.entries(destination.credentials as Record<string, string>)) {
        credentials[field] = await keyring.open(tenant, `destinations.${chosen}.${field}`, sealed);
      }
      return { name: chosen, config: destination, credentials };
    },
  };
}

export type RelayConfigStore = ReturnType<typeof createRelayConfigStore>;

function defaultDestination(config: RelayConfigBody, type: DestinationType): string | undefined {
  if (config.destinations[type]?.type === type) return type;
  const ofType = Object.entries(config.destinations).filter(([, d]) => d.type === type);
  return ofType.length === 1 ? ofType[0]?.[0] : undefined;
}

function toView(stored: Stored): RelayConfigView {
  const destinations: RelayConfigView['destinations'] = {};
  for (const [name, d] of Object.entries(stored.config.destinations)) {
    destinations[name] = {
      type: d.type,
      ...(d.description === undefined ? {} : { description: d.description }),
      settings: d.settings,
      credentials: Object.fromEntries(
        Object.keys(d.credentials).map((field) => [field, maskedSecret] as const),
      ),
    };
  }
  return {
    version: stored.version,
    destinations,
    recipients: stored.config.recipients,
    roles: stored.config.roles,
    groups: stored.config.groups,
    ...(stored.updatedAt === undefined ? {} : { updatedAt: stored.updatedAt }),
  };
}

async function checkTargets(body: RelayConfigBody, policy: AddressPolicy): Promise<void> {
  for (const [name, destination] of Object.entries(body.destinations)) {
    const settings = destination.settings as Record<string, unknown>;
    for (const key of urlSettings) {
      const value = settings[key];
      if (typeof value === 'string') await policy.checkUrl(value, `destinations.${name}.settings.${key}`);
    }
    if (destination.type === 'email') {
      await policy.checkHost(
        destination.settings.host,
        destination.settings.port,
        `destinations.${name}.settings.host`,
      );
    }
  }
}

/** Recipients name destinations of their channel's type; role and group members are people or addresses. */
function checkDirectory(body: RelayConfigBody): void {
  for (const [person, recipient] of Object.entries(body.recipients)) {
    const path = `recipients.${person}.destination`;
    if (recipient.destination === undefined) continue;
    const destination = body.destinations[recipient.destination];
    if (!destination) throw RiskloopError.invalid(`no destination ${recipient.destination}`, path);
    if (destination.type !== recipient.channel) {
      throw RiskloopError.invalid(
        `destination ${recipient.destination} is ${destination.type}, not ${recipient.channel}`,
        path,
      );
    }
  }
  for (const kind of ['roles', 'groups'] as const) {
    for (const [name, members] of Object.entries(body[kind])) {
      members.forEach((member, i) => {
        if (!body.recipients[member] && !emailLike.test(member)) {
          throw RiskloopError.invalid(
            `${member} is neither a recipient nor an email address`,
            `${kind}.${name}[${i}]`,
          );
        }
      });
    }
  }
}
