/**
 * The LLM as the interview sees it: one chat call that returns the assistant's whole text, handing on
 * pieces as they stream. Adapters (`adapters/ollama.ts`) implement it; failures that mean "no usable LLM"
 * are `llm_unreachable` or `llm_model_not_found` errors, on which the interview falls back to guided mode.
 */
import { isRiskloopError, RiskloopError } from '@riskloop/kit';

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmChat {
  model: string;
  messages: LlmMessage[];
  /** JSON Schema of the structured output, if one is wanted. */
  format?: Record<string, unknown>;
  /** Each piece of the text as it streams. */
  onText?: (text: string) => void;
}

export interface Llm {
  chat(request: LlmChat): Promise<string>;
}

export const llmErrors = {
  unreachable: (message: string, cause?: unknown) =>
    new RiskloopError('llm_unreachable', message, { status: 503, retryable: true, cause }),
  modelNotFound: (model: string, cause?: unknown) =>
    new RiskloopError(
      'llm_model_not_found',
      `the model ${model} is not available on the LLM server (pull it first)`,
      {
        status: 503,
        retryable: false,
        cause,
      },
    ),
};

/** True for the errors that mean the LLM cannot be used right now. */
export function isLlmUnavailable(error: unknown): error is RiskloopError {
  return isRiskloopError(error) && (error.code === 'llm_unreachable' || error.code === 'llm_model_not_found');
}
