/** The runner process: durable run actors. */
import { parseEnv, runMain } from '@riskloop/kit';
import { Env } from './env.ts';
import { launch } from './service.ts';

runMain(() => launch(parseEnv(Env, process.env)));
