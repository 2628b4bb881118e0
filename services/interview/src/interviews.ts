/**
 * The interview service's use cases: start, answer a message, show, confirm, abandon, transcript, and the
 * tenant's model. Confirming archives the transcript (hash fixed) and then asks the registry to save the
 * draft with provenance; both halves are idempotent, so a confirm that failed halfway is simply repeated.
 */
import { request, type BusConnection } from '@riskloop/bus';
import {
  interviewRpcs,
  rpcs,
  type InterviewSettings,
  type InterviewStreamChunk,
  type InterviewView,
  type TranscriptView,
  type WorkflowDefinition,
} from '@riskloop/contracts';
import { validateDefinition } from '@riskloop/definitions';
import { RiskloopError } from '@riskloop/kit';
import { randomUUID } from 'node:crypto';
import type { DestinationLookup } from './adapters/destinations.ts';
import { assessDraft, baselineErrors, type Draft } from './draft.ts';
import { gapsOf } from './gaps.ts';
import { transcriptHash } from './hash.ts';
import { openInterview, takeTurn, type InterviewState } from './interviewer.ts';
import type { Llm } from './llm.ts';
import type { InterviewRecord, Store } from './store.ts';
import { describeDraft } from './summary.ts';

export interface InterviewsOptions {
  store: Store;
  bus: BusConnection;
  destinations: DestinationLookup;
  llm?: Llm | undefined;
  defaultModel: string;
  maxRepairs: number;
  /** How long the registry may take to save a confirmed draft. */
  registryTimeoutMs?: number;
}

function toView(record: InterviewRecord, destinations: Parameters<typeof assessDraft>[1]): InterviewView {
  const { state } = record;
  const assessment = assessDraft(state.draft, destinations, state.baseline);
  return {
    id: record.id,
    status: record.status,
    mode: state.mode,
    model: state.mode === 'llm' ? record.model : null,
    goal: state.goal,
    workflowId: record.workflowId,
    draft: state.draft,
    valid: assessment.valid,
    errors: assessment.errors,
    missing: gapsOf(state.draft, state.settled),
    summary: describeDraft(state.draft),
    provenance: state.provenance,
    transcript: state.turns,
    result:
      record.resultWorkflowId && record.resultVersion && record.transcriptHash
        ? {
            workflowId: record.resultWorkflowId,
            version: record.resultVersion,
            transcriptHash: record.transcriptHash,
          }
        : null,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

export function createInterviews(options: InterviewsOptions) {
  const { store, bus } = options;
  const turnOptions = async (tenant: string, onChunk?: (c: InterviewStreamChunk) => void) => ({
    llm: options.llm,
    destinations: await options.destinations(tenant),
    maxRepairs: options.maxRepairs,
    now: new Date(),
    ...(onChunk ? { onChunk } : {}),
  });
  const view = async (tenant: string, id: string) =>
    toView(await store.load(tenant, id), await options.destinations(tenant));
  const open = (record: InterviewRecord) => {
    if (record.status !== 'open') throw RiskloopError.conflict(`the interview is ${record.status}`);
    if (record.transcriptHash)
      throw RiskloopError.conflict('the interview is being confirmed; confirm again to finish');
  };

  return {
    async start(
      tenant: string,
      actor: string,
      body: { goal?: string | undefined; workflowId?: string | undefined },
    ) {
      const destinations = await options.destinations(tenant);
      let draft: Draft = {};
      if (body.workflowId) {
        const workflow = await request(bus, rpcs.getWorkflow, tenant, { workflowId: body.workflowId });
        if (workflow.status === 'archived') throw RiskloopError.conflict('an archived workflow is read-only');
        draft = workflow.definition;
      }
      const model = (await store.model(tenant)) ?? options.defaultModel;
      const initial: InterviewState = {
        mode: options.llm ? 'llm' : 'guided',
        model,
        goal: body.goal ?? null,
        draft,
        provenance: {},
        settled: body.workflowId ? ['condition', 'triggers[0].condition', 'owner', 'emits'] : [],
        guided: { asking: null },
        turns: [],
        baseline: baselineErrors(body.workflowId ? draft : null, destinations),
      };
      const { state } = await openInterview(initial, { ...(await turnOptions(tenant)), destinations });
      const id = randomUUID();
      const now = new Date();
      await store.create({
        id,
        tenantId: tenant,
        status: 'open',
        model,
        workflowId: body.workflowId ?? null,
        createdBy: actor,
        createdAt: now,
        updatedAt: now,
        state,
      });
      return view(tenant, id);
    },

    async message(tenant: string, id: string, text: string, onChunk?: (c: InterviewStreamChunk) => void) {
      const record = await store.load(tenant, id);
      open(record);
      const outcome = await takeTurn(record.state, text, await turnOptions(tenant, onChunk));
      await store.saveTurn(record, outcome.state, new Date());
      return { reply: outcome.reply, interview: await view(tenant, id) };
    },

    get: view,

    async confirm(tenant: string, id: string, actor: string) {
      const record = await store.load(tenant, id);
      if (record.status === 'confirmed') return view(tenant, id);
      if (record.status === 'abandoned') throw RiskloopError.conflict('the interview was abandoned');
      const destinations = await options.destinations(tenant);
      const assessment = assessDraft(record.state.draft, destinations, record.state.baseline);
      if (!assessment.valid) {
        const errors = [
          ...assessment.missing.map((part) => ({ path: `draft.${part}`, message: 'still missing' })),
          ...assessment.errors.map((e) => ({ path: `draft.${e.path}`, message: e.message })),
        ];
        throw RiskloopError.invalid(
          'the draft is not complete and valid yet; nothing was saved',
          errors[0]?.path,
          { errors },
        );
      }
      const checked = validateDefinition(record.state.draft);
      if (!checked.ok)
        throw RiskloopError.invalid('the draft does not validate; nothing was saved', undefined, {
          errors: checked.errors,
        });
      const definition: WorkflowDefinition = checked.definition;
      const hash = await store.archive(record, new Date());
      const provenance = {
        source: 'interview' as const,
        interviewId: id,
        transcriptHash: hash,
        parts: record.state.provenance,
      };
      const timeoutMs = options.registryTimeoutMs ?? 15_000;
      const workflow = record.workflowId
        ? await request(
            bus,
            interviewRpcs.reviseWorkflowFromInterview,
            tenant,
            {
              workflowId: record.workflowId,
              actor,
              definition,
              reason: `interview ${id}${record.state.goal ? `: ${record.state.goal}` : ''}`.slice(0, 2000),
              provenance,
            },
            { timeoutMs },
          )
        : await request(
            bus,
            interviewRpcs.createWorkflowFromInterview,
            tenant,
            { actor, definition, provenance },
            { timeoutMs },
          );
      await store.finish(
        record,
        { status: 'confirmed', workflowId: workflow.id, version: workflow.latestVersion },
        new Date(),
      );
      return view(tenant, id);
    },

    async abandon(tenant: string, id: string) {
      const record = await store.load(tenant, id);
      if (record.status === 'abandoned') return view(tenant, id);
      open(record);
      await store.finish(record, { status: 'abandoned' }, new Date());
      return view(tenant, id);
    },

    async transcript(tenant: string, id: string): Promise<TranscriptView> {
      const record = await store.load(tenant, id);
      const archive = await store.archived(tenant, id);
      const turns = (archive?.turns ?? record.state.turns) as TranscriptView['turns'];
      const interview = toView(record, []);
      return {
        interviewId: id,
        status: record.status,
        archived: archive !== null,
        archivedAt: archive?.archivedAt.toISOString() ?? null,
        hash: archive?.hash ?? null,
        hashVerified: archive ? transcriptHash(archive.turns) === archive.hash : null,
        result: interview.result,
        turns,
      };
    },

    async settings(tenant: string): Promise<InterviewSettings> {
      return {
        model: await store.model(tenant),
        defaultModel: options.defaultModel,
        llmConfigured: options.llm !== undefined,
      };
    },

    async setSettings(tenant: string, actor: string, model: string | null): Promise<InterviewSettings> {
      await store.setModel(tenant, model, actor);
      return this.settings(tenant);
    },
  };
}

export type Interviews = ReturnType<typeof createInterviews>;
