/** The `Llm` port over Ollama's HTTP API through the `ollama` client, streaming, with an overall time limit. */
import { describeError } from '@riskloop/kit';
import { Ollama } from 'ollama';
import { llmErrors, type Llm } from '../llm.ts';

export interface OllamaOptions {
  host: string;
  /** A chat call (the whole stream) that takes longer is abandoned as unreachable. */
  timeoutMs: number;
}

export function createOllamaLlm(options: OllamaOptions): Llm {
  const client = new Ollama({
    host: options.host,
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        signal: init?.signal
          ? AbortSignal.any([init.signal, AbortSignal.timeout(options.timeoutMs)])
          : AbortSignal.timeout(options.timeoutMs),
      }),
  });
  return {
    async chat(request) {
      try {
        const stream = await client.chat({
          model: request.model,
          messages: request.messages,
          stream: true,
          options: { temperature: 0 },
          ...(request.format ? { format: request.format } : {}),
        });
        let text = '';
        for await (const part of stream) {
          const piece = part.message.content;
          text += piece;
          if (piece) request.onText?.(piece);
        }
        return text;
      } catch (error) {
        const status = (error as { status_code?: unknown }).status_code;
        if ((error as Error).name === 'ResponseError' && status === 404) {
          throw llmErrors.modelNotFound(request.model, error);
        }
        throw llmErrors.unreachable(`the LLM at ${options.host} failed: ${describeError(error)}`, error);
      }
    },
  };
}
