/**
 * `npm run bench:waiting [-- --runs 100000] [--heap-mb 192]`: the runner's memory with many runs waiting
 * on an approval (DESIGN.md rule 4: waiting costs rows, not RAM). Starts a runner on a fresh database and
 * NATS prefix, publishes `run.start` as the trigger router would, and reads the runner's resident memory
 * (VmRSS) once 1,000 runs wait and again once all of them do, with its V8 heap (in use, and held) and the
 * database size per waiting run. Prints a table and, as the last line, JSON; the JSON is also written to
 * `bench/results/`.
 */
import { publishEvent } from '@riskloop/bus';
import { cloudEvent, eventTypes, subjects, WorkflowDefinition, type RunStart } from '@riskloop/contracts';
import { startPlatform, waitFor, type Platform } from '@riskloop/testkit';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseMetrics } from '../services/gateway/src/cli/metrics.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '100000' }, 'heap-mb': { type: 'string', default: '192' } },
});
/** The runner's V8 old-space cap, as its deployment sets it (infra/k8s/runner.yaml); 0: Node's default. */
const heapCapMb = Number(values['heap-mb']);
const total = Number(values.runs);
const checkpoints = [...new Set([Math.min(1_000, total), total])];

const definition = WorkflowDefinition.parse({
  name: 'bench: wait for a sign-off',
  triggers: [{ type: 'manual' }],
  steps: [
    {
      id: 'sign_off',
      type: 'approval',
      approval: { approvers: [{ role: 'risk_owner' }], timeout: '30d', remind_every: '7d' },
    },
  ],
});

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Math.round(Number(line?.[1] ?? 0) / 102.4) / 10;
};

async function waitingRuns(platform: Platform): Promise<number> {
  const rows = await platform.db.query<{ n: string }>(
    `select count(*) as n from runner.runs where status = 'running'`,
  );
  return Number(rows[0]?.n ?? 0);
}

async function databaseBytes(platform: Platform): Promise<number> {
  const rows = await platform.db.query<{ bytes: string }>(
    `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes from pg_class c
     join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'runner' and c.relkind = 'r'`,
  );
  return Number(rows[0]?.bytes ?? 0);
}

/** The runner's V8 heap in use and the heap V8 holds, in MB, from its Prometheus metrics. */
async function heapMb(port: number | undefined): Promise<{ used: number; total: number }> {
  const samples = parseMetrics(await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text());
  const read = (name: string) => {
    const value = samples.find((sample) => sample.name === `riskloop_${name}`)?.value ?? 0;
    return Math.round(value / 104_857.6) / 10;
  };
  return { used: read('nodejs_heap_size_used_bytes'), total: read('nodejs_heap_size_total_bytes') };
}

const platform = await startPlatform({
  services: ['runner'],
  env: {
    METRICS_PORT: '0',
    ...(heapCapMb > 0 ? { NODE_OPTIONS: `--max-old-space-size=${String(heapCapMb)}` } : {}),
  },
});
const runner = platform.processes[0];
if (!runner) throw new Error('no runner process');
const tenant = 'bench';
const workflowId = randomUUID();
const results: Record<string, number> = { runs: total, heapCapMb, idleRssMb: rssMb(runner.pid) };
const started = Date.now();
try {
  let published = 0;
  for (const target of checkpoints) {
    while (published < target) {
      const batch = Math.min(500, target - published);
      await Promise.all(
        Array.from({ length: batch }, () => {
          const runId = randomUUID();
          const data: RunStart = {
            runId,
            workflowId,
            version: 1,
            definition,
            trigger: { type: 'manual', sourceId: runId, payload: {} },
          };
          return publishEvent(
            platform.testBus.bus,
            subjects.runStart(tenant),
            cloudEvent({ id: runId, source: 'bench', type: eventTypes.runStart, tenant, data }),
          );
        }),
      );
      published += batch;
    }
    await waitFor(async () => (await waitingRuns(platform)) >= target, 30 * 60_000, `${target} waiting runs`);
    results[`rssMbAt${target}`] = rssMb(runner.pid);
    const heap = await heapMb(runner.ready.metricsPort as number | undefined);
    results[`heapUsedMbAt${target}`] = heap.used;
    results[`heapTotalMbAt${target}`] = heap.total;
    results[`dbBytesPerRunAt${target}`] = Math.round((await databaseBytes(platform)) / target);
    console.error(`bench: ${target} runs waiting, runner RSS ${String(results[`rssMbAt${target}`])} MB`);
  }
  results.startsPerSecond = Math.round((total / (Date.now() - started)) * 1000);
} finally {
  await platform.stop();
}

for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(22)} ${String(value)}`);
mkdirSync('bench/results', { recursive: true });
const json = JSON.stringify({ bench: 'waiting-runs', at: new Date().toISOString(), ...results });
writeFileSync(`bench/results/waiting-runs-${Date.now()}.json`, `${json}\n`);
console.log(json);
