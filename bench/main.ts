/**
 * `npm run bench [-- --quick] [--levels 16,64,256] [--runs 3000] [--tenants 4] [--waiting] [--scale-out]`
 *
 * The standard workload (see workload.ts) on the platform started as separate processes on a fresh
 * database and NATS prefix: completed runs/s at several in-flight levels, step transitions/s, breach ->
 * first effect and breach -> completed (p50/p95/p99), latency at half the best load, CPU per run by
 * service, runner and relay RSS, and the machine's ceilings (PostgreSQL commits, JetStream publish-with-ack)
 * with each figure as a ratio to them. `--waiting` adds the waiting-runs bench (runner RSS and database
 * bytes per run with 100,000 runs waiting on an approval); `--scale-out` adds 2 runners + 2 relays with a
 * runner killed mid-load. Prints a table, then JSON as the last line; the JSON is also written to
 * `bench/results/`.
 */
import { repoRoot, runScript, startSink } from '@riskloop/testkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { measureCeilings } from './ceilings.ts';
import { createTracker } from './drive.ts';
import { idleCpuMsPerSec, measured, type Measured } from './measure.ts';
import { startBenchPlatform } from './platform.ts';
import { printReport, type BenchReport } from './report.ts';
import { scaleOut } from './scale-out.ts';
import { setUpTenants } from './workload.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    levels: { type: 'string' },
    runs: { type: 'string' },
    tenants: { type: 'string' },
    waiting: { type: 'boolean', default: false },
    'waiting-runs': { type: 'string' },
    'scale-out': { type: 'boolean', default: false },
    /** Write a V8 CPU profile of every service process into this directory (node --cpu-prof). */
    profile: { type: 'string' },
  },
});
const quick = values.quick;
const levels = (values.levels ?? (quick ? '8,32' : '16,64,256')).split(',').map(Number);
const runsPerLevel = Number(values.runs ?? (quick ? 150 : 3000));
const tenantCount = Number(values.tenants ?? (quick ? 2 : 4));
const ceilingSeconds = quick ? 1 : 3;
const log = (line: string) => console.error(`bench: ${line}`);

// The limits a tenant would have are lifted: the bench measures the engine, not the throttle.
const env = {
  TRIGGER_RUNS_PER_SECOND: '100000',
  TRIGGER_MAX_IN_FLIGHT: '1000000',
  METRICS_PORT: '0',
  RUNNER_CONCURRENCY: '64',
  ...(values.profile
    ? {
        NODE_OPTIONS: `--import tsx --import ${repoRoot}bench/cpu-profile.ts`,
        BENCH_PROFILE_DIR: values.profile,
      }
    : {}),
};

const started = Date.now();
const sink = await startSink();
const platform = await startBenchPlatform(
  ['registry', 'trigger-router', 'runner', 'relay', 'kri-emitter', 'gateway'],
  env,
  [sink.url],
);
let report: BenchReport;
try {
  log('measuring the machine ceilings');
  const ceilings = await measureCeilings(platform.db.url, platform.testBus.bus, ceilingSeconds);
  log(`setting up ${tenantCount} tenants`);
  const tenants = await setUpTenants(platform, sink.url, tenantCount);
  const tracker = createTracker(platform.testBus.bus, sink, tenants);
  // Warm-up: compiled machines, connection pools, JIT.
  const warm = await tracker.closedLoop('warm', Math.min(...levels), Math.min(50, runsPerLevel));
  const idleCpu = await idleCpuMsPerSec(platform);
  const results: (Measured & { inFlight: number })[] = [];
  for (const inFlight of levels) {
    const total = Math.max(runsPerLevel, inFlight * 4);
    log(`${inFlight} in flight, ${total} runs`);
    const m = await measured(platform, () => tracker.closedLoop(`l${inFlight}`, inFlight, total));
    log(`  ${m.runsPerSec} runs/s, first effect p99 ${m.firstEffectMs.p99} ms`);
    results.push({ inFlight, ...m });
  }
  const best = results.reduce((a, b) => (b.runsPerSec > a.runsPerSec ? b : a));
  const halfRate = Math.max(1, Math.round(best.runsPerSec / 2));
  const halfRuns = Math.max(quick ? 60 : 300, Math.min(halfRate * (quick ? 3 : 15), 10_000));
  log(`half load: ${halfRate} breaches/s open loop, ${halfRuns} runs`);
  const halfLoad = {
    perSecond: halfRate,
    ...(await measured(platform, () => tracker.openLoop('half', halfRate, halfRuns))),
  };
  const effects = tracker.effects();
  tracker.close();
  const breaches = [warm, ...results, halfLoad].reduce((n, r) => n + r.breaches, 0);
  const completed = [warm, ...results, halfLoad].reduce((n, r) => n + r.completed, 0);
  report = {
    bench: 'standard',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    quick,
    ceilings,
    idleCpuMsPerSec: idleCpu,
    levels: results,
    halfLoad,
    best: {
      inFlight: best.inFlight,
      runsPerSec: best.runsPerSec,
      stepTransitionsPerSec: best.stepTransitionsPerSec,
      commitsPerRun: best.commitsPerRun,
      cpuMsPerRun: Object.values(best.cpuMsPerRun).reduce((a, b) => a + b, 0),
    },
    ratios: {
      runsPerSecToPgCommits1: ratio(best.runsPerSec, ceilings.pgCommitsPerSec1),
      runsPerSecToPgCommits8: ratio(best.runsPerSec, ceilings.pgCommitsPerSec8),
      commitsUsedToPgCommits8: ratio(best.runsPerSec * best.commitsPerRun, ceilings.pgCommitsPerSec8),
      stepTransitionsToJsPublish1: ratio(best.stepTransitionsPerSec, ceilings.jsPublishAckPerSec1),
      stepTransitionsToJsPublish256: ratio(best.stepTransitionsPerSec, ceilings.jsPublishAckPerSec256),
    },
    rssMb: {
      runner: Math.max(...results.map((r) => r.peakRssMb.runner ?? 0)),
      relay: Math.max(...results.map((r) => r.peakRssMb.relay ?? 0)),
    },
    effects: {
      breaches,
      completed,
      expected: breaches * 3,
      distinct: effects.size,
      duplicated: [...effects.values()].reduce((n, c) => n + c - 1, 0),
      lost: breaches - completed,
      lostEffects: Math.max(0, breaches * 3 - effects.size),
    },
  };
} finally {
  await platform.stop();
  await sink.close();
}

if (values['scale-out']) {
  const inFlight = Math.max(...levels);
  report.scaleOut = await scaleOut({
    env,
    inFlight,
    runs: Math.max(runsPerLevel, inFlight * 4),
    tenants: tenantCount,
    log,
  });
}
if (values.waiting) {
  const runs = values['waiting-runs'] ?? (quick ? '1000' : '100000');
  log(`waiting runs: ${runs}`);
  const waiting = await runScript('bench/waiting-runs.ts', ['--runs', runs], {});
  if (waiting.code !== 0) throw new Error(`the waiting-runs bench failed: ${waiting.stderr.slice(-2000)}`);
  report.waiting = JSON.parse(waiting.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}
report.seconds = Math.round((Date.now() - started) / 1000);

printReport(report);
mkdirSync('bench/results', { recursive: true });
const json = JSON.stringify(report);
writeFileSync(`bench/results/bench-${Date.now()}.json`, `${json}\n`);
console.log(json);

function ratio(a: number, b: number): number {
  return b > 0 ? Math.round((a / b) * 1000) / 1000 : 0;
}
