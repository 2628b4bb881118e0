/** The relay process: effects on external systems, each exactly once per idempotency key. */
import { parseEnv, runMain } from '@riskloop/kit';
import { Env } from './env.ts';
import { launch } from './service.ts';

runMain(() => launch(parseEnv(Env, process.env)));
