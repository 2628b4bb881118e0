/**
 * `npm run eval:interview` runs offline (guided interviewer) and, with OLLAMA_HOST, through the real
 * `ollama` client: here a local Ollama stand-in that answers each conversation with its seed example.
 */
import { parseYaml } from '@riskloop/definitions';
import { runScript, startOllamaStub } from '@riskloop/testkit';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { conversations } from '../services/interview/eval/conversations.ts';

const script = 'services/interview/eval/run.ts';
const rows = (stdout: string) =>
  stdout.split('\n').filter((l) => conversations.some((c) => l.startsWith(`${c.example} `)));

it('scores every seed conversation with the guided interviewer when no LLM is configured', async () => {
  const result = await runScript(script, [], { OLLAMA_HOST: '' });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('interviewer: guided (OLLAMA_HOST is not set)');
  expect(rows(result.stdout)).toHaveLength(conversations.length);
  expect(result.stdout).toMatch(/overall score: \d+% over 11 conversations/);
});

it('plays the conversations against an LLM and scores a model that writes the intended definition 100%', async () => {
  const stub = await startOllamaStub();
  stub.fallback((request) => {
    const system = request.messages[0]?.content ?? '';
    const conversation = conversations.find((c) => system.includes(c.goal));
    const intended = conversation
      ? parseYaml(readFileSync(`examples/${conversation.example}.yaml`, 'utf8'))
      : {};
    return {
      content: { reply: 'Here it is.', patch: intended, questions: [], settled: [], justifications: [] },
    };
  });
  try {
    const result = await runScript(script, [], { OLLAMA_HOST: stub.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`interviewer: LLM llama3.1:8b at ${stub.url}`);
    const table = rows(result.stdout);
    expect(table).toHaveLength(conversations.length);
    // Examples with webhook or remediation steps are refused by the interview's policy (kept out of drafts).
    const authorable = table.filter(
      (l) => !/pr-check|critical-incident|data-exposure|s3-public|weekly-compliance/.test(l),
    );
    for (const line of authorable) expect(line).toMatch(/llm .* 100%$/);
    expect(stub.requests.length).toBeGreaterThanOrEqual(conversations.length);
  } finally {
    await stub.close();
  }
});
