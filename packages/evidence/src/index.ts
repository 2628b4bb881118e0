export { canonicalJson } from './canonical.ts';
export { chainEntries, genesis, verifyChain } from './chain.ts';
export type { ChainCheck, EntryInput } from './chain.ts';
export { tenantKey } from './keys.ts';
export type { TenantKey } from './keys.ts';
export { buildPack, verifyPack } from './pack.ts';
export type { PackCheck, SignedHead } from './pack.ts';
export { renderSummary } from './summary.ts';
