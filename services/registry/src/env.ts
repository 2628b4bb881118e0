/** Registry configuration: only what every service shares. */
import { CommonEnv } from '@riskloop/runtime';

export const Env = CommonEnv;
export type Env = typeof Env._output;
