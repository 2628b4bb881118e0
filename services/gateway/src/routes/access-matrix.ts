/**
 * The whole role x route matrix: each module's table under the prefix `app.ts` mounts it at. A route
 * that is mounted but not listed here is refused for everyone (see `access.ts`); the access test lists
 * such routes by name.
 */
import { anyone, mountRoles, type RouteRoles } from '../access.ts';
import { apiKeyAccess } from './api-keys.ts';
import { artifactAccess } from './artifacts.ts';
import { evidenceAccess } from './evidence.ts';
import { remediationActionAccess } from './remediation-actions.ts';
import { approvalAccess } from './approvals.ts';
import { webhookSecretAccess } from './hooks.ts';
import { interviewAccess, interviewSettingsAccess } from './interviews.ts';
import { kriAccess } from './kris.ts';
import { relayConfigAccess } from './relay-config.ts';
import { auditLogAccess } from './audit-log.ts';
import { meAccess } from './me.ts';
import { oidcConfigAccess } from './oidc-config.ts';
import { openApiAccess } from './openapi.ts';
import { previewLinkAccess } from './preview-links.ts';
import { runAccess } from './runs.ts';
import { tenantSettingsAccess } from './tenant-settings.ts';
import { workflowAccess } from './workflows.ts';

export const accessMatrix: RouteRoles = {
  'GET /api/schemas/workflow-definition': anyone,
  ...mountRoles('/api/workflows', workflowAccess),
  ...mountRoles('/api', runAccess),
  ...mountRoles('/api/approvals', approvalAccess),
  ...mountRoles('/api/api-keys', apiKeyAccess),
  ...mountRoles('/api/workflow-interviews', interviewAccess),
  ...mountRoles('/api/interview-settings', interviewSettingsAccess),
  ...mountRoles('/api', kriAccess),
  ...mountRoles('/api', webhookSecretAccess),
  ...mountRoles('/api/relay-config', relayConfigAccess),
  ...mountRoles('/api/tenant-settings', tenantSettingsAccess),
  ...mountRoles('/api/me', meAccess),
  ...mountRoles('/api/audit-log', auditLogAccess),
  ...mountRoles('/api', previewLinkAccess),
  ...mountRoles('/api/oidc-config', oidcConfigAccess),
  ...mountRoles('/api/remediation-actions', remediationActionAccess),
  ...mountRoles('/api', artifactAccess),
  ...mountRoles('/api', evidenceAccess),
  ...mountRoles('/api', openApiAccess),
};
