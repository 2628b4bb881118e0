/**
 * `riskloop workflow export <id>` and `riskloop workflow import <file>`: a definition out of the gateway as
 * YAML (the latest version, or `--version N`), and a YAML or JSON definition into it: a new workflow
 * (`POST /api/workflows`), or with `--id` a new version of one (`PUT /api/workflows/:id`, `--reason`
 * required), optionally activated. The definition is exported exactly as stored, so export then import
 * gives the same definition.
 */
import { WorkflowView } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { remote } from './connection.ts';
import { gatewayFor } from './gateway-client.ts';

/** Only what is printed; the definition is kept as the gateway sent it. */
const Stored = z.object({ definition: z.unknown() });
const Saved = WorkflowView.pick({
  id: true,
  name: true,
  status: true,
  latestVersion: true,
  activeVersion: true,
});

interface ExportOptions {
  version?: string;
  out?: string;
  url?: string;
}

interface ImportOptions {
  id?: string;
  reason?: string;
  activate?: boolean;
  json?: boolean;
  url?: string;
}

/** The definitions package (YAML), loaded when a command needs it (main.ts says why). */
const definitions = () => import('@riskloop/definitions');

async function exportDefinition(workflowId: string, options: ExportOptions): Promise<void> {
  const base = `/api/workflows/${encodeURIComponent(workflowId)}`;
  const path = options.version ? `${base}/versions/${encodeURIComponent(options.version)}` : base;
  const { definition } = await gatewayFor(options.url).get(path, Stored);
  if (definition === undefined)
    throw new RiskloopError('no_definition', `${path} answered without a definition`);
  const text = options.out?.endsWith('.json')
    ? `${JSON.stringify(definition, null, 2)}\n`
    : (await definitions()).toYaml(definition);
  if (!options.out) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(options.out, text);
  console.log(`wrote ${options.out}`);
}

async function importDefinition(file: string, options: ImportOptions): Promise<void> {
  if (options.id && !options.reason?.trim())
    throw RiskloopError.invalid('--reason is required with --id: every new version says why', 'reason');
  const definition = (await definitions()).parseYaml(readFileSync(file, 'utf8'));
  const client = gatewayFor(options.url);
  let saved = Saved.parse(
    options.id
      ? await client.raw('PUT', `/api/workflows/${encodeURIComponent(options.id)}`, {
          body: { reason: options.reason, definition },
        })
      : await client.raw('POST', '/api/workflows', { body: definition }),
  );
  const version = saved.latestVersion;
  // A new version of an active workflow is live at once: activating it again would be a 409.
  const live = saved.status === 'active' && saved.activeVersion === saved.latestVersion;
  if (options.activate && !live) {
    saved = Saved.parse(
      await client.raw('POST', `/api/workflows/${saved.id}/activate`, {
        body: options.reason ? { reason: options.reason } : {},
      }),
    );
  }
  if (options.json) {
    console.log(JSON.stringify({ ...saved, version }));
    return;
  }
  console.log(`workflow  ${saved.name} (${saved.id})`);
  console.log(
    `version   ${version}; ${saved.status}${saved.activeVersion === null ? '' : `, active version ${saved.activeVersion}`}`,
  );
}

export function workflowTransferCommands(workflow: Command): void {
  remote(
    workflow
      .command('export <id>')
      .description('print (or write) the workflow definition as YAML')
      .option('--version <n>', 'this version (default: the latest)')
      .option('--out <file>', 'write to this file (JSON when it ends in .json) instead of stdout'),
  ).action(exportDefinition);

  remote(
    workflow
      .command('import <file>')
      .description('create a workflow from a YAML or JSON definition, or with --id add a new version')
      .option('--id <id>', 'a new version of this workflow (needs --reason)')
      .option('--reason <text>', 'why: required for a new version, recorded with an activation')
      .option('--activate', 'activate the workflow afterwards')
      .option('--json', 'print JSON'),
  ).action(importDefinition);
}
