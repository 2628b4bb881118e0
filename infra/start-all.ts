/**
 * `npm start`: every service in one process, for a laptop. Each service keeps its own NATS connection,
 * database pool and schema, exactly as when it runs alone (`npm start -w services/<name>`); they share
 * only the logger and the shutdown sequence. Services start in dependency order so that the gateway
 * reports ready last.
 */
import { createLifecycle, createLogger, parseEnv, runMain, signalReady } from '@riskloop/kit';
import { CommonEnv } from '@riskloop/runtime';
import * as gateway from '../services/gateway/src/service.ts';
import * as interview from '../services/interview/src/service.ts';
import * as kriEmitter from '../services/kri-emitter/src/service.ts';
import * as registry from '../services/registry/src/service.ts';
import * as relay from '../services/relay/src/service.ts';
import * as runner from '../services/runner/src/service.ts';
import * as triggerRouter from '../services/trigger-router/src/service.ts';
import { Env as GatewayEnv } from '../services/gateway/src/env.ts';
import { Env as InterviewEnv } from '../services/interview/src/env.ts';
import { Env as RelayEnv } from '../services/relay/src/env.ts';
import { Env as RunnerEnv } from '../services/runner/src/env.ts';
import { Env as TriggerRouterEnv } from '../services/trigger-router/src/env.ts';
import { applyLocalDevEnv } from './local-dev-env.ts';

runMain(async () => {
  const common = parseEnv(CommonEnv, process.env);
  const log = createLogger({ service: 'riskloop', level: common.LOG_LEVEL });
  const shared = { log, lifecycle: createLifecycle({ log }) };
  for (const note of applyLocalDevEnv(process.env)) log.warn(note);
  await registry.launch(common, shared);
  await triggerRouter.launch(parseEnv(TriggerRouterEnv, process.env), shared);
  await runner.launch(parseEnv(RunnerEnv, process.env), shared);
  await relay.launch(parseEnv(RelayEnv, process.env), shared);
  await interview.launch(parseEnv(InterviewEnv, process.env), shared);
  await kriEmitter.launch(common, shared);
  await gateway.launch(parseEnv(GatewayEnv, process.env), shared);
  signalReady(log, { services: 7 });
});
