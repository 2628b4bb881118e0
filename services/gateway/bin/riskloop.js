#!/usr/bin/env node
// The `riskloop` CLI (`npx riskloop ...`): loads the TypeScript entry through tsx, like every service.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
