/** The registry process: workflows, immutable versions, lifecycle, change log. */
import { parseEnv, runMain } from '@riskloop/kit';
import { Env } from './env.ts';
import { launch } from './service.ts';

runMain(() => launch(parseEnv(Env, process.env)));
