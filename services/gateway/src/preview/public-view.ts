/**
 * The read-only view a preview link shows: the workflow version's shape (names, step kinds, conditions,
 * order) without step parameters, which may carry URLs, recipients or references to secrets, and without
 * any tenant, workflow or run id that could be used against the API.
 */
import type {
  PublicStep,
  PublicWorkflowView,
  RunSummary,
  Step,
  VersionView,
  WorkflowDefinition,
} from '@riskloop/contracts';

export function publicSteps(steps: readonly Step[]): PublicStep[] {
  return steps.map((step) => {
    const out: PublicStep = { id: step.id, type: step.type };
    if (step.name) out.name = step.name;
    if (step.if) out.if = step.if;
    if (step.type === 'branch') {
      out.paths = [
        ...step.branch.cases.map((c) => ({ label: `if ${c.if}`, steps: publicSteps(c.steps) })),
        ...(step.branch.default ? [{ label: 'otherwise', steps: publicSteps(step.branch.default) }] : []),
      ];
    }
    if (step.type === 'parallel') {
      out.paths = step.parallel.branches.map((b, i) => ({
        label: b.name ?? `branch ${i + 1}`,
        steps: publicSteps(b.steps),
      }));
    }
    return out;
  });
}

export function publicWorkflowView(
  version: VersionView & { definition: WorkflowDefinition },
  runs?: readonly RunSummary[],
): PublicWorkflowView {
  const d = version.definition;
  return {
    name: d.name,
    description: d.description ?? null,
    owner: d.owner ?? null,
    tags: d.tags ?? [],
    version: version.version,
    versionCreatedAt: version.createdAt,
    triggers: d.triggers.map((t) => ({ type: t.type })),
    steps: publicSteps(d.steps),
    ...(runs
      ? {
          evidence: {
            runs: runs.map((r) => ({
              status: r.status,
              startedAt: r.createdAt,
              finishedAt: r.finishedAt ?? null,
            })),
          },
        }
      : {}),
  };
}
