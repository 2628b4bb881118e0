/** For connector tests: a relay config as the store keeps it, every credential sealed for its tenant and field. */
import { RelayConfigBody, type RelayConfigInput } from '@riskloop/contracts';
import type { Keyring } from '@riskloop/crypto';

export async function sealedConfig(
  keyring: Keyring,
  tenant: string,
  input: RelayConfigInput,
): Promise<RelayConfigBody> {
  const body = RelayConfigBody.parse(input);
  for (const [name, destination] of Object.entries(body.destinations)) {
    const credentials: Record<string, string> = {};
    for (const [field, value] of Object.entries(destination.credentials as Record<string, string>)) {
      credentials[field] = await keyring.seal(tenant, `destinations.${name}.${field}`, value);
    }
    (destination as { credentials: Record<string, string> }).credentials = credentials;
  }
  return body;
}
