import { describe, expect, it } from 'vitest';
import { createReplyReader, llmTurnFormat, parseLlmTurn } from './llm-turn.ts';

describe('reply reader', () => {
  it('hands on the reply text as it streams, escapes decoded, whatever the chunk boundaries', () => {
    const json = JSON.stringify({ reply: 'Line one\nsays "hi" \u00e9\\', patch: { name: 'x' } });
    for (const size of [1, 2, 3, 7, json.length]) {
      let text = '';
      const reader = createReplyReader((t) => (text += t));
      for (let i = 0; i < json.length; i += size) reader.push(json.slice(i, i + size));
      expect(text).toBe('Line one\nsays "hi" \u00e9\\');
    }
  });

  it('says nothing when the output has no reply', () => {
    let text = '';
    createReplyReader((t) => (text += t)).push('{"patch": {}}');
    expect(text).toBe('');
  });
});

describe('model output', () => {
  it('names what is wrong with malformed or incomplete output', () => {
    const broken = parseLlmTurn('{"reply": "x", ');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors[0]?.message).toMatch(/^not valid JSON/);
    const noReply = parseLlmTurn('{"patch": {}}');
    expect(noReply.ok).toBe(false);
    if (!noReply.ok) expect(noReply.errors[0]?.path).toBe('reply');
    expect(parseLlmTurn('{"reply": "ok"}')).toMatchObject({
      ok: true,
      turn: { reply: 'ok', patch: {}, settled: [] },
    });
  });

  it('asks for the patch in the shape of the definition language', () => {
    const format = llmTurnFormat() as { properties: { patch: { properties: Record<string, unknown> } } };
    expect(Object.keys(format.properties.patch.properties)).toEqual(
      expect.arrayContaining(['name', 'triggers', 'steps', 'emits']),
    );
  });
});
