export { RiskloopError, isRiskloopError, describeError } from './errors.ts';
export type { RiskloopErrorOptions } from './errors.ts';
export { parseEnv, EnvError } from './env.ts';
export { createLogger } from './log.ts';
export type { Logger, LoggerOptions } from './log.ts';
export { createLifecycle } from './shutdown.ts';
export type { Lifecycle, LifecycleOptions, ShutdownStep } from './shutdown.ts';
export { signalReady } from './ready.ts';
export { runMain } from './main.ts';
