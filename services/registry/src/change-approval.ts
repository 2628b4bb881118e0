/**
 * Change approval (separation of duties). When a tenant turns it on, a workflow version goes live only
 * through an activation by someone other than its author: an edit of an active workflow waits as a pending
 * version (new runs stay on the approved one), and the author of the version being activated is refused.
 * Resuming a paused workflow on the version that was already approved needs no second approval.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { TenantSettings } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { TenantPolicy } from './db/entities.ts';

export async function changeApprovalOn(em: EntityManager, tenant: string): Promise<boolean> {
  return (await em.findOne(TenantPolicy, { tenantId: tenant }))?.changeApproval ?? false;
}

export interface ActivationCheck {
  changeApproval: boolean;
  /** The version that would go live, its author, and the version live (or last live) now. */
  version: number;
  author: string;
  approvedVersion: number | null;
  actor: string;
}

/** Who approved the activation when one was needed; a refusal when the author tries to approve their own. */
export function checkActivation(check: ActivationCheck): { author: string; approvedBy: string } | undefined {
  if (!check.changeApproval || check.approvedVersion === check.version) return undefined;
  if (check.author === check.actor) {
    throw RiskloopError.forbidden(
      `change approval is on: version ${check.version} was written by ${check.author}, so someone else must activate it`,
    );
  }
  return { author: check.author, approvedBy: check.actor };
}

export function createTenantPolicies(orm: MikroORM) {
  return {
    async get(tenant: string): Promise<TenantSettings> {
      return { changeApproval: await changeApprovalOn(orm.em.fork(), tenant) };
    },
    async put(tenant: string, actor: string, settings: TenantSettings): Promise<TenantSettings> {
      await orm.em.fork().upsert(TenantPolicy, {
        tenantId: tenant,
        changeApproval: settings.changeApproval,
        updatedAt: new Date(),
        updatedBy: actor,
      });
      return { changeApproval: settings.changeApproval };
    },
  };
}
