/**
 * `riskloop run show <runId>`: one run from `GET /api/runs/:runId`: status, pinned version, trigger, path,
 * each step (status, attempts, duration, error), its approvals with their decisions, and the KRI events its
 * steps published. `--json` prints the record as the gateway sent it.
 */
import { RunView } from '@riskloop/contracts';
import type { Command } from 'commander';
import type { z } from 'zod';
import { remote } from './connection.ts';
import { duration, table, time } from './format.ts';
import { gatewayFor } from './gateway-client.ts';
import { elapsedMs } from './run-metrics.ts';

// A run not yet picked up by a runner is answered without its trigger and update time.
const ShownRun = RunView.partial({ trigger: true, updatedAt: true });
type ShownRun = z.infer<typeof ShownRun>;

interface ShowOptions {
  json?: boolean;
  url?: string;
}

const error = (e: { code: string; message: string } | undefined) => (e ? `${e.code}: ${e.message}` : '');

function printRun(run: ShownRun): void {
  const trigger = run.trigger
    ? `${run.trigger.type}${run.trigger.actor ? ` by ${run.trigger.actor}` : ''}`
    : '(not yet known)';
  console.log(`run       ${run.id}`);
  console.log(`workflow  ${run.workflowId} v${run.workflowVersion}`);
  console.log(`status    ${run.status}${run.error ? ` (${error(run.error)})` : ''}`);
  console.log(`trigger   ${trigger}`);
  console.log(`started   ${time(run.createdAt)}`);
  console.log(
    `finished  ${time(run.finishedAt)}${run.finishedAt ? ` (${duration(elapsedMs(run.createdAt, run.finishedAt))})` : ''}`,
  );
  console.log(`path      ${run.path.join(' -> ') || '-'}`);
  if (run.steps.length > 0) {
    console.log('');
    const rows = run.steps.map((s) => [
      s.id,
      s.type,
      s.status,
      String(s.attempts) + (s.tries === undefined ? '' : ` (${s.tries} tries)`),
      duration(s.durationMs ?? elapsedMs(s.startedAt, s.finishedAt)),
      error(s.error),
    ]);
    console.log(table(['STEP', 'TYPE', 'STATUS', 'ATTEMPTS', 'DURATION', 'ERROR'], rows));
  }
  printApprovals(run.approvals ?? []);
  printKriEvents(run.kriEvents ?? []);
}

function printApprovals(approvals: NonNullable<RunView['approvals']>): void {
  if (approvals.length === 0) return;
  console.log('');
  const rows = approvals.map((a) => [
    a.id,
    a.stepId,
    a.status,
    `${a.decisions.filter((d) => d.decision === 'approve').length}/${a.needed}`,
    a.decisions.map((d) => `${d.decision} by ${d.user ?? d.actor}`).join('; ') || '-',
  ]);
  console.log(table(['APPROVAL', 'STEP', 'STATUS', 'APPROVED', 'DECISIONS'], rows));
}

function printKriEvents(events: NonNullable<RunView['kriEvents']>): void {
  if (events.length === 0) return;
  console.log('');
  const rows = events.map((e) => [
    e.stepId,
    e.event,
    e.kri,
    e.effect,
    e.amount === null ? '-' : String(e.amount),
    time(e.emittedAt),
  ]);
  console.log(table(['KRI EVENT FROM', 'EVENT', 'KRI', 'EFFECT', 'AMOUNT', 'EMITTED'], rows));
}

async function show(runId: string, options: ShowOptions): Promise<void> {
  const client = gatewayFor(options.url);
  const path = `/api/runs/${encodeURIComponent(runId)}`;
  if (options.json) {
    console.log(JSON.stringify(await client.raw('GET', path)));
    return;
  }
  printRun(await client.get(path, ShownRun));
}

export function runCommands(program: Command): void {
  const run = program.command('run').description('workflow runs');
  remote(
    run
      .command('show <runId>')
      .description('a run: status, version, trigger, path, steps, approvals and KRI events')
      .option('--json', 'print the run record as JSON'),
  ).action(show);
}
