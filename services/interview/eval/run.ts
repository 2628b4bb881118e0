/* eslint-disable no-console -- a command-line harness: printing its table is its job. */
/**
 * `npm run eval:interview`: plays the scripted conversations (`conversations.ts`) against the interviewer
 * and scores each resulting draft against its seed example. With `OLLAMA_HOST` set it talks to that real
 * Ollama (model `OLLAMA_MODEL`, default llama3.1:8b); without it, the guided interviewer answers the
 * `guided` scripts, so the harness still runs offline. Prints a table and the overall score.
 */
import { WorkflowDefinition } from '@riskloop/contracts';
import { parseYaml } from '@riskloop/definitions';
import { readFileSync } from 'node:fs';
import { createOllamaLlm } from '../src/adapters/ollama.ts';
import { openInterview, takeTurn, type InterviewState } from '../src/interviewer.ts';
import { conversations } from './conversations.ts';
import { scoreDraft, type Score } from './score.ts';

const host = process.env.OLLAMA_HOST;
const model = process.env.OLLAMA_MODEL ?? 'llama3.1:8b';
const llm = host
  ? createOllamaLlm({ host, timeoutMs: Number(process.env.OLLAMA_TIMEOUT_MS ?? 300_000) })
  : undefined;
const root = new URL('../../../', import.meta.url);

console.log(host ? `interviewer: LLM ${model} at ${host}` : 'interviewer: guided (OLLAMA_HOST is not set)');

const rows: (Score & { example: string; mode: string; turns: number })[] = [];
for (const conversation of conversations) {
  const intended = WorkflowDefinition.parse(
    parseYaml(readFileSync(new URL(`examples/${conversation.example}.yaml`, root), 'utf8')),
  );
  const options = { llm, destinations: [], maxRepairs: 2, now: new Date() };
  let { state } = await openInterview(
    {
      mode: llm ? 'llm' : 'guided',
      model,
      goal: conversation.goal,
      draft: {},
      provenance: {},
      settled: [],
      guided: { asking: null },
      turns: [],
      baseline: [],
    } satisfies InterviewState,
    options,
  );
  for (const text of llm ? conversation.llm : conversation.guided) {
    ({ state } = await takeTurn(state, text, { ...options, now: new Date() }));
  }
  rows.push({
    example: conversation.example,
    mode: state.mode,
    turns: state.turns.length,
    ...scoreDraft(state.draft, intended),
  });
}

const pct = (n: number) => `${Math.round(n * 100)}%`.padStart(5);
const width = Math.max(...rows.map((r) => r.example.length));
console.log(`\n${'example'.padEnd(width)}  mode    turns  valid trigger steps approvals   kri  score`);
for (const r of rows) {
  console.log(
    `${r.example.padEnd(width)}  ${r.mode.padEnd(6)}  ${String(r.turns).padStart(5)}  ${pct(r.valid)}   ${pct(r.trigger)} ${pct(r.steps)}     ${pct(r.approvals)} ${pct(r.kri)}  ${pct(r.total)}`,
  );
}
const overall = rows.reduce((a, r) => a + r.total, 0) / rows.length;
console.log(`\noverall score: ${pct(overall).trim()} over ${rows.length} conversations`);
