/**
 * The tenant's relay destinations, asked of the relay over `list-destinations`. Until a relay answers it
 * (the relay-config issue), or when none answers in time, the list is empty: a draft may then name no
 * destination at all, and each step uses its kind's default.
 */
import { request, type BusConnection } from '@riskloop/bus';
import { relayRpcs, type DestinationRef } from '@riskloop/contracts';

export type DestinationLookup = (tenant: string) => Promise<DestinationRef[]>;

export function createDestinationLookup(bus: BusConnection, timeoutMs = 1_000): DestinationLookup {
  return async (tenant) => {
    try {
      return (await request(bus, relayRpcs.listDestinations, tenant, {}, { timeoutMs })).items;
    } catch (error) {
      bus.log.debug({ err: error, tenant }, 'relay did not list destinations; assuming none');
      return [];
    }
  };
}
