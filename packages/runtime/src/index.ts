export { bootService } from './boot.ts';
export type { BootOptions, Runtime, RuntimeWithDb, ServiceDatabase, SharedProcess } from './boot.ts';
export { CommonEnv } from './env.ts';
