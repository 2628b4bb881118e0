import { describe, expect, it } from 'vitest';
import { openInterview, takeTurn, type InterviewState } from './interviewer.ts';
import { llmErrors, type Llm, type LlmChat } from './llm.ts';

const state = (): InterviewState => ({
  mode: 'llm',
  model: 'm',
  goal: null,
  draft: {},
  provenance: {},
  settled: [],
  guided: { asking: null },
  turns: [],
  baseline: [],
});

/** A scripted LLM: each call takes the next answer (a string, or an error to throw). */
function scripted(answers: (string | Error)[]): Llm & { calls: LlmChat[] } {
  const calls: LlmChat[] = [];
  return {
    calls,
    chat(request) {
      calls.push(request);
      const next = answers.shift() ?? new Error('no more answers');
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  };
}

const turn = (patch: Record<string, unknown>, reply = 'ok') =>
  JSON.stringify({ reply, patch, justifications: [] });
const now = new Date('2026-01-01T00:00:00Z');

describe('LLM interviewer', () => {
  it('makes at most 1 + maxRepairs attempts and leaves the draft unchanged when none is valid', async () => {
    const llm = scripted([
      'nope',
      'still nope',
      turn({ steps: [{ id: 'X', type: 'wait' }] }),
      turn({ name: 'late' }),
    ]);
    const opened = await openInterview(state(), { llm, destinations: [], maxRepairs: 2, now });
    const { state: next, reply } = await takeTurn(opened.state, 'hello', {
      llm,
      destinations: [],
      maxRepairs: 2,
      now,
    });
    expect(llm.calls).toHaveLength(3);
    expect(next.draft).toEqual({});
    expect(reply).toContain('after 3 attempts');
    expect(next.turns.at(-1)?.errors?.[0]?.path).toBe('steps[0].id');
  });

  it('records which admin turn justified each part it changed', async () => {
    const llm = scripted([
      JSON.stringify({
        reply: 'ok',
        patch: { name: 'n', triggers: [{ type: 'manual' }] },
        justifications: [
          { part: 'triggers', turn: 1 },
          { part: 'name', turn: 99 },
        ],
      }),
    ]);
    const { state: next } = await takeTurn(state(), 'Call it n, run by hand', {
      llm,
      destinations: [],
      maxRepairs: 0,
      now,
    });
    expect(next.provenance).toEqual({ name: 1, triggers: 1 });
    expect(next.turns.at(-1)).toMatchObject({
      role: 'assistant',
      mode: 'llm',
      model: 'm',
      changed: ['name', 'triggers'],
    });
  });

  it('continues in guided mode when the LLM is unreachable, and says so', async () => {
    const llm = scripted([llmErrors.unreachable('connection refused')]);
    const { state: next, reply } = await takeTurn(state(), 'hello', {
      llm,
      destinations: [],
      maxRepairs: 2,
      now,
    });
    expect(next.mode).toBe('guided');
    expect(reply).toContain('continues in guided mode');
    expect(reply).toContain('What should the workflow be called?');
    const after = await takeTurn(next, 'My workflow', { llm, destinations: [], maxRepairs: 2, now });
    expect(llm.calls).toHaveLength(1);
    expect(after.state.draft.name).toBe('My workflow');
  });
});
