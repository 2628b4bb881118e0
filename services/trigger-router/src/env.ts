/** Trigger router configuration: only what every service shares, for now. */
import { CommonEnv } from '@riskloop/runtime';

export const Env = CommonEnv;
export type Env = typeof Env._output;
