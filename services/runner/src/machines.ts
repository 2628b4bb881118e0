/** Compiled machines, cached per workflow version: a version is immutable, so its machine is too. */
import type { WorkflowDefinition } from '@riskloop/contracts';
import { compileWorkflow, type RunMachine } from './machine/index.ts';

export interface MachineCache {
  get(
    workflowId: string,
    version: number,
    definition: () => WorkflowDefinition | Promise<WorkflowDefinition>,
  ): Promise<MachineEntry>;
}

export interface MachineEntry {
  machine: RunMachine;
  definition: WorkflowDefinition;
}

export function createMachineCache(limit = 1_000): MachineCache {
  const entries = new Map<string, MachineEntry>();
  return {
    async get(workflowId, version, definition) {
      const key = `${workflowId}@${version}`;
      const hit = entries.get(key);
      if (hit) return hit;
      const resolved = await definition();
      const entry = { machine: compileWorkflow(resolved), definition: resolved };
      if (entries.size >= limit) entries.delete(entries.keys().next().value as string);
      entries.set(key, entry);
      return entry;
    },
  };
}
