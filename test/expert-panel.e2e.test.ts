/**
 * The `expert_panel` step end to end: the runner dispatches it, the interview service asks each persona and
 * a synthesis through the real `ollama` client against a local server speaking Ollama's API, and the run
 * records prompt, model, answers and synthesis. A redelivered command never asks the LLM again.
 */
import { publishEvent } from '@riskloop/bus';
import { cloudEvent, eventTypes, streams, subjects, type StepExec } from '@riskloop/contracts';
import { startOllamaStub, usePlatform, waitFor, type OllamaStub } from '@riskloop/testkit';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const env: Record<string, string> = {};
let stub: OllamaStub;
beforeAll(async () => {
  stub = await startOllamaStub();
  stub.fallback((request) => {
    const system = request.messages[0]?.content ?? '';
    if (system.startsWith('You chair'))
      return { content: 'Synthesis: patch the internet-facing hosts first.' };
    const persona = /You are a (.+?) on an expert panel/.exec(system)?.[1] ?? 'someone';
    return { content: `${persona} says: patch now.`, chunks: 2 };
  });
  env.OLLAMA_HOST = stub.url;
});
afterAll(() => stub.close());

const e2e = usePlatform({
  services: ['registry', 'trigger-router', 'runner', 'relay', 'interview', 'gateway'],
  env,
});

describe('expert_panel', () => {
  it('asks each persona and a synthesis once, records them on the run, and never asks again on redelivery', async () => {
    const created = await e2e.api('POST', '/api/workflows', {
      body: {
        name: 'Ask the panel',
        triggers: [{ type: 'manual' }],
        steps: [
          {
            id: 'expert_review',
            type: 'expert_panel',
            expert_panel: {
              question: 'Is {{ trigger.cve }} exploitable here?',
              personas: ['pentester', 'auditor'],
            },
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await e2e.api('POST', `/api/workflows/${id}/activate`);
    const started = await e2e.api('POST', `/api/workflows/${id}/run`, { body: { cve: 'CVE-2026-0001' } });
    const runId = started.body.runId as string;
    const run = await waitFor(
      async () => {
        const r = await e2e.api('GET', `/api/runs/${runId}`);
        return ['succeeded', 'failed'].includes(r.body.status as string) ? r.body : undefined;
      },
      30_000,
      'the run to finish',
    );
    expect(run.status).toBe('succeeded');
    expect(run.steps[0].output).toEqual({
      model: 'llama3.1:8b',
      prompt: {
        question: 'Is CVE-2026-0001 exploitable here?',
        personas: ['pentester', 'auditor'],
        persona: expect.stringContaining('<persona>'),
        synthesis: expect.stringContaining('You chair an expert panel'),
      },
      answers: [
        { persona: 'pentester', answer: 'pentester says: patch now.' },
        { persona: 'auditor', answer: 'auditor says: patch now.' },
      ],
      synthesis: 'Synthesis: patch the internet-facing hosts first.',
      summary: 'Synthesis: patch the internet-facing hosts first.',
    });
    expect(stub.requests).toHaveLength(3);
    expect(stub.requests.map((r) => r.messages[1]?.content)).toEqual([
      'Is CVE-2026-0001 exploitable here?',
      'Is CVE-2026-0001 exploitable here?',
      expect.stringContaining('pentester: pentester says: patch now.'),
    ]);
    const [row] = await e2e.platform.db.query<{
      idempotency_key: string;
      tenant_id: string;
      status: string;
      synthesis: string;
      prompt: unknown;
    }>(
      'select idempotency_key, tenant_id, status, synthesis, prompt from interview.panel_runs where run_id = $1',
      [runId],
    );
    expect(row).toMatchObject({
      status: 'succeeded',
      synthesis: 'Synthesis: patch the internet-facing hosts first.',
    });

    // The same command again (a redelivery, a re-driven run): handled, and the LLM is not asked again.
    const { bus } = e2e.platform.testBus;
    const consumer = () =>
      bus.jsm.consumers.info(bus.streamName(streams.steps.name), 'interview-expert-panel');
    const before = await consumer();
    const data: StepExec = {
      runId,
      workflowId: id,
      stepId: 'expert_review',
      kind: 'expert_panel',
      attempt: 1,
      idempotencyKey: row?.idempotency_key ?? '',
      input: row?.prompt as Record<string, unknown>,
      timeoutMs: 30_000,
      maxAttempts: 3,
      backoffInitialMs: 1_000,
      backoffMaxMs: 60_000,
    };
    const tenant = row?.tenant_id ?? '';
    await publishEvent(
      bus,
      subjects.stepExec('expert_panel', tenant),
      cloudEvent({ id: randomUUID(), source: 'test', type: eventTypes.stepExec, tenant, data }),
    );
    await waitFor(
      async () => {
        const info = await consumer();
        return (
          info.delivered.consumer_seq > before.delivered.consumer_seq &&
          info.num_ack_pending === 0 &&
          info.num_pending === 0
        );
      },
      30_000,
      'the redelivered command to be handled',
    );
    expect(stub.requests).toHaveLength(3);
    const after = await e2e.api('GET', `/api/runs/${runId}`);
    expect(after.body.steps[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
