/** Interview configuration. */
import { CommonEnv } from '@riskloop/runtime';
import { z } from 'zod';

export const Env = CommonEnv.extend({
  /** Ollama's base URL, e.g. http://127.0.0.1:11434. Unset: interviews run in guided mode, expert panels fail. */
  OLLAMA_HOST: z.url().optional(),
  /** The model used when the tenant has not chosen one (`PUT /api/interview-settings`). */
  OLLAMA_MODEL: z.string().min(1).default('llama3.1:8b'),
  /** Longest one LLM call (the whole stream) may take before it counts as unreachable. */
  OLLAMA_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  /** Further attempts after the model's answer is refused (malformed, invalid or against the policy). */
  INTERVIEW_REPAIR_ATTEMPTS: z.coerce.number().int().min(0).max(5).default(2),
  /** Expert-panel step commands handled at once by this copy. */
  PANEL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How long a claimed expert panel is held before another copy may take it over (a crashed holder). */
  PANEL_LEASE_MS: z.coerce.number().int().min(1_000).default(600_000),
});
export type Env = z.infer<typeof Env>;
