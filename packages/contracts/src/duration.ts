/** Durations as written in definitions: `500ms`, `30s`, `5m`, `48h`, `7d`, `2w`. */
import { z } from 'zod';

export const Duration = z
  .string()
  .regex(/^\d{1,9}(ms|s|m|h|d|w)$/, 'expected a duration such as 30s, 5m, 48h, 7d or 2w');
export type Duration = z.infer<typeof Duration>;

const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export function durationMs(value: Duration): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(value);
  if (!match) throw new Error(`not a duration: ${value}`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}
