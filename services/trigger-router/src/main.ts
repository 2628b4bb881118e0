/** The trigger router process: turns triggers into run.start commands. */
import { parseEnv, runMain } from '@riskloop/kit';
import { Env } from './env.ts';
import { launch } from './service.ts';

runMain(() => launch(parseEnv(Env, process.env)));
