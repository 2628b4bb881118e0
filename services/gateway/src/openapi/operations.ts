/** Every route's description, one table per route area; `test/openapi.test.ts` checks it against the app. */
import { authoringDocs } from './authoring-docs.ts';
import { openDocs } from './open-docs.ts';
import { mergeDocs } from './operation.ts';
import { runDocs } from './run-docs.ts';
import { tenantDocs } from './tenant-docs.ts';
import { workflowDocs } from './workflow-docs.ts';

export const operationDocs = mergeDocs(openDocs, workflowDocs, runDocs, authoringDocs, tenantDocs);
