export { generateApiKey, parseApiKey, hashSecret, verifySecret } from './api-key.ts';
export type { GeneratedApiKey } from './api-key.ts';
export {
  createKeyring,
  generateMasterKey,
  isSealed,
  memoryDataKeyStore,
  parseMasterKeys,
  SecretError,
} from './envelope.ts';
export type { DataKeyStore, Keyring, MasterKeys, WrappedDataKey } from './envelope.ts';
