/**
 * The `expert_panel` step: one question about the run's data, answered by each configured persona through
 * the LLM, then synthesized. Exactly once per idempotency key (DESIGN.md, rule 3): the panel is claimed
 * in `interview.panel_runs` before the first LLM call and completed with its result event in the outbox in
 * one transaction; a redelivered command finds it done and re-sends the stored result, never asking again.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { publishEvent, type BusConnection } from '@riskloop/bus';
import { cloudEvent, eventTypes, subjects, type StepCommand, type StepError } from '@riskloop/contracts';
import type { Outbox, OutboxMessage } from '@riskloop/db';
import { describeError, isRiskloopError, RiskloopError } from '@riskloop/kit';
import type { Llm } from './llm.ts';

export interface PanelOptions {
  orm: MikroORM;
  bus: BusConnection;
  outbox: Outbox;
  llm?: Llm | undefined;
  /** The tenant's model (its setting, else the deployment default). */
  modelFor: (tenant: string) => Promise<string>;
  leaseMs: number;
}

export interface PanelAnswer {
  persona: string;
  answer: string;
}

export interface PanelOutput {
  model: string;
  prompt: { question: string; personas: string[]; persona: string; synthesis: string };
  answers: PanelAnswer[];
  synthesis: string;
  /** The synthesis again, under the name templates read (`steps.<id>.output.summary`). */
  summary: string;
}

const defaultPersonas = ['risk analyst', 'security engineer', 'auditor'];
const personaPrompt = (persona: string) =>
  `You are a ${persona} on an expert panel reviewing a governance, risk and compliance workflow run. Answer the question from your perspective, concretely, in at most 150 words.`;
const synthesisPrompt =
  'You chair an expert panel. Synthesize the panelists\u2019 answers into one recommendation: where they agree, where they disagree, and the recommended action, in at most 200 words.';

/** Ask each persona, then the synthesis. Pure apart from the injected LLM. */
export async function askPanel(
  llm: Llm,
  model: string,
  input: Record<string, unknown>,
): Promise<PanelOutput> {
  const question = typeof input.question === 'string' ? input.question : '';
  if (!question) throw RiskloopError.poison('an expert panel needs a question');
  const personas =
    Array.isArray(input.personas) && input.personas.length > 0 ? input.personas.map(String) : defaultPersonas;
  const answers: PanelAnswer[] = [];
  for (const persona of personas) {
    const answer = await llm.chat({
      model,
      messages: [
        { role: 'system', content: personaPrompt(persona) },
        { role: 'user', content: question },
      ],
    });
    answers.push({ persona, answer: answer.trim() });
  }
  const synthesis = (
    await llm.chat({
      model,
      messages: [
        { role: 'system', content: synthesisPrompt },
        {
          role: 'user',
          content: `Question: ${question}\n\n${answers.map((a) => `${a.persona}: ${a.answer}`).join('\n\n')}`,
        },
      ],
    })
  ).trim();
  return {
    model,
    prompt: { question, personas, persona: personaPrompt('<persona>'), synthesis: synthesisPrompt },
    answers,
    synthesis,
    summary: synthesis,
  };
}

const resultId = (key: string) => `result:${key}`;

export function createPanel(options: PanelOptions) {
  const { orm, outbox, bus } = options;

  const claim = async (command: StepCommand, model: string): Promise<boolean> => {
    const { data } = command;
    const rows = await orm.em.fork().execute<{ status: string }[]>(
      `insert into "interview"."panel_runs"
         (idempotency_key, tenant_id, run_id, step_id, status, model, prompt, lease_until, started_at)
       values (?, ?, ?, ?, 'in_progress', ?, ?::jsonb, now() + (? * interval '1 millisecond'), now())
       on conflict (idempotency_key) do update set lease_until = excluded.lease_until
         where "panel_runs".status = 'in_progress' and "panel_runs".lease_until < now()
       returning status`,
      [
        data.idempotencyKey,
        command.tenantid,
        data.runId,
        data.stepId,
        model,
        JSON.stringify(data.input),
        options.leaseMs,
      ],
    );
    if (rows.length > 0) return true;
    const [existing] = await orm.em
      .fork()
      .execute<{ status: string }[]>(
        `select status from "interview"."panel_runs" where idempotency_key = ?`,
        [data.idempotencyKey],
      );
    if (existing?.status === 'in_progress') {
      throw RiskloopError.unavailable(`expert panel ${data.idempotencyKey} is held by another copy`);
    }
    return false;
  };

  const complete = async (
    command: StepCommand,
    outcome: { output?: PanelOutput; error?: StepError },
    startedAt: Date,
  ) => {
    const { data } = command;
    const finishedAt = new Date();
    const base = {
      runId: data.runId,
      stepId: data.stepId,
      attempt: data.attempt,
      tries: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
    };
    const message: OutboxMessage = {
      subject: subjects.runEvent(command.tenantid, data.runId),
      event: cloudEvent({
        id: resultId(data.idempotencyKey),
        source: 'riskloop/interview',
        type: outcome.output ? eventTypes.stepSucceeded : eventTypes.stepFailed,
        tenant: command.tenantid,
        time: finishedAt,
        data: outcome.output ? { ...base, output: outcome.output } : { ...base, error: outcome.error },
      }),
    };
    const completed = await orm.em.fork().transactional(async (tx) => {
      const rows = await tx.execute<{ idempotency_key: string }[]>(
        `update "interview"."panel_runs" set status = ?, answers = ?::jsonb, synthesis = ?, error = ?::jsonb, finished_at = ?
         where idempotency_key = ? and status = 'in_progress' returning idempotency_key`,
        [
          outcome.output ? 'succeeded' : 'failed',
          JSON.stringify(outcome.output?.answers ?? null),
          outcome.output?.synthesis ?? null,
          outcome.error ? JSON.stringify(outcome.error) : null,
          finishedAt,
          data.idempotencyKey,
        ],
      );
      if (rows.length === 0) return false;
      await outbox.stage(tx, [message]);
      return true;
    });
    if (completed) await outbox.send([message]);
  };

  /** The panel already ran: send its stored result again (the first may have been lost), new message id. */
  const resend = async (command: StepCommand) => {
    const rows = await orm.em
      .fork()
      .execute<OutboxMessage[]>(`select subject, event from "interview"."outbox" where id = ?`, [
        resultId(command.data.idempotencyKey),
      ]);
    for (const row of rows) {
      await publishEvent(bus, row.subject, row.event, { msgId: `${row.event.id}:resent:${command.id}` });
    }
  };

  return {
    async handle(command: StepCommand): Promise<void> {
      const requested = command.data.input.model;
      const model =
        typeof requested === 'string' && requested ? requested : await options.modelFor(command.tenantid);
      if (!(await claim(command, model))) return resend(command);
      const startedAt = new Date();
      if (!options.llm) {
        const error = {
          code: 'llm_not_configured',
          message: 'no LLM is configured (OLLAMA_HOST); the expert panel cannot run',
        };
        return complete(command, { error }, startedAt);
      }
      let outcome: { output?: PanelOutput; error?: StepError };
      try {
        outcome = { output: await askPanel(options.llm, model, command.data.input) };
      } catch (error) {
        outcome = {
          error: {
            code: isRiskloopError(error) ? error.code : 'expert_panel_failed',
            message: describeError(error),
          },
        };
      }
      return complete(command, outcome, startedAt);
    },
  };
}
