import { describe, expect, it } from 'vitest';
import type { Llm, LlmChat } from './llm.ts';
import { askPanel } from './panel.ts';

function echo(): Llm & { calls: LlmChat[] } {
  const calls: LlmChat[] = [];
  return {
    calls,
    chat(request) {
      calls.push(request);
      return Promise.resolve(` answer ${calls.length} `);
    },
  };
}

describe('askPanel', () => {
  it('asks the default personas when none are configured, then a synthesis of their answers', async () => {
    const llm = echo();
    const output = await askPanel(llm, 'm', { question: 'Is it exploitable?' });
    expect(output.answers).toEqual([
      { persona: 'risk analyst', answer: 'answer 1' },
      { persona: 'security engineer', answer: 'answer 2' },
      { persona: 'auditor', answer: 'answer 3' },
    ]);
    expect(output).toMatchObject({ model: 'm', synthesis: 'answer 4', summary: 'answer 4' });
    expect(llm.calls[3]?.messages[1]?.content).toContain('auditor: answer 3');
    expect(llm.calls.every((c) => c.model === 'm')).toBe(true);
  });

  it('refuses a command without a question as poison, asking nothing', async () => {
    const llm = echo();
    await expect(askPanel(llm, 'm', { personas: ['a'] })).rejects.toMatchObject({ code: 'poison' });
    expect(llm.calls).toHaveLength(0);
  });
});
