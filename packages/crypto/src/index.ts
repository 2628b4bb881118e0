export { generateApiKey, parseApiKey, hashSecret, verifySecret } from './api-key.ts';
export type { GeneratedApiKey } from './api-key.ts';
