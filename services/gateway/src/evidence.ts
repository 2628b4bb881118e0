/**
 * Build a run's evidence pack from what the services hold: the runner (run, steps, approvals, history),
 * the registry (the version and its change-log entries), the relay (deliveries, artifacts) and the
 * kri-emitter (KRI events). Every source must answer: a pack with a silent gap would mislead an auditor.
 */
import { request, type BusConnection } from '@riskloop/bus';
import {
  artifactRpcs,
  relayRpcs,
  rpcs,
  runnerRpcs,
  triggerRpcs,
  type EvidencePack,
} from '@riskloop/contracts';
import { buildPack, tenantKey, type EntryInput, type TenantKey } from '@riskloop/evidence';
import { parseMasterKeys } from '@riskloop/crypto';
import { RiskloopError } from '@riskloop/kit';

/** Per-tenant keys from one seed; the seed is unset when neither env key is. */
export function createEvidenceKeys(seed: Buffer | undefined) {
  const cache = new Map<string, Promise<TenantKey>>();
  return (tenant: string): Promise<TenantKey> => {
    if (!seed) {
      throw new RiskloopError('evidence_unconfigured', 'set RISKLOOP_EVIDENCE_KEY to sign evidence packs', {
        status: 503,
      });
    }
    let key = cache.get(tenant);
    if (!key) {
      key = tenantKey(seed, tenant);
      cache.set(tenant, key);
    }
    return key;
  };
}
export type EvidenceKeys = ReturnType<typeof createEvidenceKeys>;

/** `RISKLOOP_EVIDENCE_KEY` (base64, 32+ bytes), else the first `RISKLOOP_MASTER_KEYS` entry (stable across rotations). */
export function evidenceSeed(evidenceKey?: string, masterKeys?: string): Buffer | undefined {
  if (evidenceKey) return Buffer.from(evidenceKey, 'base64');
  if (!masterKeys) return undefined;
  return [...parseMasterKeys(masterKeys).keys.values()][0];
}

export async function evidenceEntries(
  bus: BusConnection,
  tenant: string,
  runId: string,
): Promise<EntryInput[]> {
  const run = await request(bus, rpcs.getRun, tenant, { runId });
  const ref = { workflowId: run.workflowId };
  const [version, changeLog, history, deliveries, kriEvents, artifacts] = await Promise.all([
    request(bus, rpcs.getVersion, tenant, { ...ref, version: run.workflowVersion }),
    request(bus, rpcs.getChangeLog, tenant, ref),
    request(bus, runnerRpcs.runHistory, tenant, { runId, after: 0 }),
    request(bus, relayRpcs.listDeliveries, tenant, { runId }),
    request(bus, triggerRpcs.listRunKriEvents, tenant, { runId }),
    request(bus, artifactRpcs.listArtifacts, tenant, { runId }),
  ]);
  const entries: EntryInput[] = [
    { kind: 'workflow_version', name: `${run.workflowId}@${run.workflowVersion}`, data: version },
    ...changeLog.items
      .filter((e) => e.version === run.workflowVersion && Date.parse(e.at) <= Date.parse(run.createdAt))
      .map((e) => ({ kind: 'change_log', name: e.id, data: e })),
    { kind: 'trigger', name: run.trigger.type, data: run.trigger },
    { kind: 'path', name: 'path', data: run.path },
  ];
  const order = new Map(run.path.map((id, i) => [id, i]));
  const steps = [...run.steps].sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9));
  for (const step of steps) entries.push({ kind: 'step', name: step.id, data: step });
  for (const approval of run.approvals ?? [])
    entries.push({ kind: 'approval', name: approval.id, data: approval });
  for (const d of deliveries.items) {
    entries.push({ kind: 'delivery', name: `${d.stepId}:${d.attempt}`, data: d });
  }
  kriEvents.items.forEach((event, i) => entries.push({ kind: 'kri_event', name: String(i), data: event }));
  for (const a of artifacts.items) entries.push({ kind: 'artifact', name: a.name, data: a });
  entries.push({ kind: 'history', name: 'events', data: history.items });
  entries.push({
    kind: 'run',
    name: run.id,
    data: {
      workflowId: run.workflowId,
      workflowVersion: run.workflowVersion,
      status: run.status,
      error: run.error,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
      finishedAt: run.finishedAt,
    },
  });
  return entries;
}

export async function buildEvidencePack(
  bus: BusConnection,
  keys: EvidenceKeys,
  tenant: string,
  runId: string,
): Promise<EvidencePack> {
  const key = await keys(tenant);
  return buildPack(tenant, runId, await evidenceEntries(bus, tenant, runId), key, new Date());
}
