/**
 * The interviewer: takes the admin's message and the interview so far, and returns the next state and the
 * reply. With an LLM it asks for a structured turn, applies its patch only if the result passes the
 * definition validator and the policy (feeding errors back for a bounded number of repairs); without one,
 * or once the LLM is unreachable, the guided interviewer answers. No I/O but the injected LLM.
 */
import type {
  DestinationRef,
  FieldError,
  InterviewMode,
  InterviewStreamChunk,
  TranscriptTurn,
} from '@riskloop/contracts';
import { applyPatch, assessDraft, type Draft } from './draft.ts';
import { gapsOf } from './gaps.ts';
import { guidedAnswer, guidedAsk, type GuidedState } from './guided.ts';
import { isLlmUnavailable, type Llm } from './llm.ts';
import {
  createReplyReader,
  historyMessages,
  llmTurnFormat,
  parseLlmTurn,
  repairPrompt,
  systemPrompt,
} from './llm-turn.ts';
import { describeDraft } from './summary.ts';

export interface InterviewState {
  mode: InterviewMode;
  model: string;
  goal: string | null;
  draft: Draft;
  provenance: Record<string, number>;
  settled: string[];
  guided: GuidedState;
  turns: TranscriptTurn[];
  /** Errors the starting definition (an edited workflow) already had; they do not block. */
  baseline: FieldError[];
}

export interface TurnOptions {
  /** Absent: guided mode. */
  llm?: Llm | undefined;
  destinations: readonly DestinationRef[];
  /** Further attempts after a refused model answer. */
  maxRepairs: number;
  onChunk?: (chunk: InterviewStreamChunk) => void;
  now: Date;
}

export interface TurnOutcome {
  state: InterviewState;
  reply: string;
}

type AssistantFacts = Pick<TranscriptTurn, 'changed' | 'errors'>;

function withTurns(
  state: InterviewState,
  text: string,
  reply: string,
  now: Date,
  facts: AssistantFacts = {},
): InterviewState {
  const seq = state.turns.length + 1;
  const at = now.toISOString();
  const admin: TranscriptTurn[] = text ? [{ seq, role: 'admin', text, at }] : [];
  const assistant: TranscriptTurn = {
    seq: seq + admin.length,
    role: 'assistant',
    text: reply,
    at,
    mode: state.mode,
    ...(state.mode === 'llm' ? { model: state.model } : {}),
    ...(facts.changed?.length ? { changed: facts.changed } : {}),
    ...(facts.errors?.length ? { errors: facts.errors } : {}),
  };
  return { ...state, turns: [...state.turns, ...admin, assistant] };
}

/** When the draft is ready, the reply ends with what will happen. */
function withSummary(reply: string, state: InterviewState, destinations: readonly DestinationRef[]): string {
  if (!assessDraft(state.draft, destinations, state.baseline).valid) return reply;
  return `${reply}\n\nIf you confirm now, this is what will happen:\n${describeDraft(state.draft)
    .map((l) => `- ${l}`)
    .join('\n')}`;
}

function provenanceFor(
  state: InterviewState,
  changed: readonly string[],
  adminSeq: number,
  justifications: readonly { part: string; turn: number }[] = [],
): Record<string, number> {
  const next = { ...state.provenance };
  const adminTurns = new Set(state.turns.filter((t) => t.role === 'admin').map((t) => t.seq));
  for (const part of changed) {
    const cited = justifications.find((j) => j.part === part || part.startsWith(`${j.part}.`))?.turn;
    next[part] = cited !== undefined && (adminTurns.has(cited) || cited === adminSeq) ? cited : adminSeq;
  }
  return next;
}

/** The interview's first assistant turn (after the goal, when one was given). */
export async function openInterview(state: InterviewState, options: TurnOptions): Promise<TurnOutcome> {
  if (state.goal) {
    if (state.mode === 'guided') {
      const seeded = {
        ...state,
        draft: { ...state.draft, description: state.draft.description ?? state.goal },
      };
      const asked = guidedAsk(
        { ...seeded, destinations: options.destinations },
        'Let us write this workflow together.',
      );
      const next = withTurns(
        { ...seeded, guided: asked.guided, provenance: { ...state.provenance, description: 1 } },
        state.goal,
        asked.reply,
        options.now,
        {
          changed: ['description'],
        },
      );
      return { state: next, reply: asked.reply };
    }
    return takeTurn(state, state.goal, options);
  }
  if (state.mode === 'llm') {
    const reply =
      'Tell me what this workflow should do: what starts it, what should happen, who approves, and which KRI events it should emit.';
    return { state: withTurns(state, '', reply, options.now), reply };
  }
  const asked = guidedAsk(
    { ...state, destinations: options.destinations },
    'I will ask a few questions, one at a time.',
  );
  return {
    state: withTurns({ ...state, guided: asked.guided }, '', asked.reply, options.now),
    reply: asked.reply,
  };
}

export async function takeTurn(
  state: InterviewState,
  text: string,
  options: TurnOptions,
): Promise<TurnOutcome> {
  if (state.mode === 'llm' && options.llm) {
    try {
      return await llmTurn(state, text, options.llm, options);
    } catch (error) {
      if (!isLlmUnavailable(error)) throw error;
      const guided = { ...state, mode: 'guided' as const };
      const asked = guidedAsk(
        { ...guided, destinations: options.destinations },
        `The LLM is unavailable (${error.message}); the interview continues in guided mode. Your last message was kept in the transcript but not applied.`,
      );
      options.onChunk?.({ delta: asked.reply });
      return {
        state: withTurns({ ...guided, guided: asked.guided }, text, asked.reply, options.now),
        reply: asked.reply,
      };
    }
  }
  const guidedState = state.mode === 'llm' ? { ...state, mode: 'guided' as const } : state;
  const outcome = guidedAnswer({ ...guidedState, destinations: options.destinations }, text);
  const adminSeq = state.turns.length + 1;
  const next: InterviewState = {
    ...guidedState,
    guided: outcome.guided,
    draft: outcome.draft,
    settled: outcome.settled,
    provenance: provenanceFor(guidedState, outcome.changed, adminSeq),
  };
  const reply =
    outcome.changed.length > 0 ? withSummary(outcome.reply, next, options.destinations) : outcome.reply;
  options.onChunk?.({ delta: reply });
  return {
    state: withTurns(next, text, reply, options.now, {
      changed: outcome.changed,
      ...(outcome.errors ? { errors: outcome.errors } : {}),
    }),
    reply,
  };
}

async function llmTurn(
  state: InterviewState,
  text: string,
  llm: Llm,
  options: TurnOptions,
): Promise<TurnOutcome> {
  const adminSeq = state.turns.length + 1;
  const gaps = gapsOf(state.draft, state.settled);
  const messages = [
    {
      role: 'system' as const,
      content: systemPrompt({
        goal: state.goal,
        draft: state.draft,
        gaps,
        destinations: options.destinations,
      }),
    },
    ...historyMessages([...state.turns, { seq: adminSeq, role: 'admin', text, at: '' }]),
  ];
  let errors: FieldError[] = [];
  let lastReply = '';
  for (let attempt = 0; attempt <= options.maxRepairs; attempt++) {
    if (attempt > 0) options.onChunk?.({ reset: true });
    const reader = createReplyReader((delta) => options.onChunk?.({ delta }));
    const content = await llm.chat({
      model: state.model,
      messages,
      format: llmTurnFormat(),
      onText: (t) => reader.push(t),
    });
    const parsed = parseLlmTurn(content);
    if (parsed.ok) {
      const patched = applyPatch(state.draft, parsed.turn.patch);
      errors = [
        ...patched.errors,
        ...assessDraft(patched.draft, options.destinations, state.baseline).errors,
      ];
      lastReply = parsed.turn.reply;
      if (errors.length === 0) {
        const next: InterviewState = {
          ...state,
          draft: patched.draft,
          settled: [...new Set([...state.settled, ...parsed.turn.settled])],
          provenance: provenanceFor(state, patched.changed, adminSeq, parsed.turn.justifications),
        };
        const reply = withSummary(parsed.turn.reply, next, options.destinations);
        return { state: withTurns(next, text, reply, options.now, { changed: patched.changed }), reply };
      }
    } else {
      errors = parsed.errors;
    }
    messages.push(
      { role: 'assistant', content: content.slice(0, 8000) },
      { role: 'user', content: repairPrompt(errors) },
    );
  }
  const reply = [
    `I could not turn that into a valid draft after ${options.maxRepairs + 1} attempts, so the draft is unchanged. What was wrong:`,
    ...errors.slice(0, 10).map((e) => `- ${e.path}: ${e.message}`),
    lastReply ? `\n(My proposal was: ${lastReply})` : '',
    'Please say it differently, or correct the part named above.',
  ]
    .filter(Boolean)
    .join('\n');
  options.onChunk?.({ reset: true });
  options.onChunk?.({ delta: reply });
  return { state: withTurns(state, text, reply, options.now, { errors }), reply };
}
