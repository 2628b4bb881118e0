/**
 * A tenant's security settings that the registry enforces: change approval (separation of duties between
 * the author of a workflow version and whoever makes it live). `GET|PUT /api/tenant-settings`.
 */
import { z } from 'zod';
import { rpc } from './rpc.ts';

export const TenantSettings = z.strictObject({
  /**
   * When on, a workflow version goes live only when someone other than its author activates it: an edit of
   * an active workflow waits as a pending version, and the author cannot activate their own version.
   */
  changeApproval: z.boolean(),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

export const tenantSettingsRpcs = {
  getTenantSettings: rpc('registry', 'get-tenant-settings', z.object({}), TenantSettings),
  putTenantSettings: rpc(
    'registry',
    'put-tenant-settings',
    z.object({ actor: z.string(), settings: TenantSettings }),
    TenantSettings,
  ),
} as const;
