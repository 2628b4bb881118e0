/** The KRI emitter process: KRI events that steps emit, published to the risk model. */
import { parseEnv, runMain } from '@riskloop/kit';
import { Env } from './env.ts';
import { launch } from './service.ts';

runMain(() => launch(parseEnv(Env, process.env)));
