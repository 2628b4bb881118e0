/**
 * Scale-out: the platform with 2 runners and 2 relays as separate processes. One closed-loop load runs
 * while one runner is killed (SIGKILL) halfway; afterwards: how the work split between the copies (run
 * events applied per runner instance, deliveries per relay from its /metrics), and effects lost or
 * duplicated (both must be 0).
 */
import { startSink, type ServiceProcess } from '@riskloop/testkit';
import { startBenchPlatform } from './platform.ts';
import { createTracker } from './drive.ts';
import { setUpTenants } from './workload.ts';

export interface ScaleOutReport {
  runners: number;
  relays: number;
  breaches: number;
  completed: number;
  runsPerSec: number;
  killedRunnerAfterRuns: number;
  /** Run events applied, by runner copy (`runner#1` was killed). */
  runnerSplit: Record<string, number>;
  /** Deliveries performed, by relay copy. */
  relaySplit: Record<string, number>;
  lostRuns: number;
  lostEffects: number;
  duplicatedEffects: number;
}

async function deliveriesOf(relay: ServiceProcess): Promise<number> {
  const port = relay.ready.metricsPort as number;
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('riskloop_deliveries_total{'))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

export async function scaleOut(options: {
  env: Record<string, string>;
  inFlight: number;
  runs: number;
  tenants: number;
  log: (line: string) => void;
}): Promise<ScaleOutReport> {
  const sink = await startSink();
  const platform = await startBenchPlatform(
    ['registry', 'trigger-router', 'kri-emitter', 'gateway'],
    // A killed runner's unacknowledged events come back after the ack wait: short, as in the chaos test.
    { ...options.env, RUNNER_ACK_WAIT_MS: '2000', RUNNER_STALL_MS: '5000' },
    [sink.url],
  );
  try {
    const runners = [await platform.start('runner'), await platform.start('runner')];
    const relays = [await platform.start('relay'), await platform.start('relay')];
    const tenants = await setUpTenants(platform, sink.url, options.tenants);
    const tracker = createTracker(platform.testBus.bus, sink, tenants);
    const killAt = Math.floor(options.runs / 2);
    let killed = false;
    options.log(`scale-out: 2 runners, 2 relays; ${options.runs} runs, killing runner#1 after ${killAt}`);
    const sample = await tracker.closedLoop('scale', options.inFlight, options.runs, (done) => {
      if (!killed && done >= killAt) {
        killed = true;
        options.log('scale-out: kill -9 runner#1');
        void runners[0]?.kill();
      }
    });
    const instances = runners.map((r) => String(r.ready.instance));
    const rows = await platform.db.query<{ processed_by: string; n: string }>(
      `select processed_by, count(*) as n from runner.run_history group by processed_by`,
    );
    const runnerSplit = Object.fromEntries(
      instances.map((instance, i) => [
        `runner#${i + 1}`,
        Number(rows.find((r) => r.processed_by === instance)?.n ?? 0),
      ]),
    );
    const relaySplit: Record<string, number> = {};
    for (const [i, relay] of relays.entries()) relaySplit[`relay#${i + 1}`] = await deliveriesOf(relay);
    const effects = tracker.effects();
    tracker.close();
    return {
      runners: 2,
      relays: 2,
      breaches: sample.breaches,
      completed: sample.completed,
      runsPerSec: sample.runsPerSec,
      killedRunnerAfterRuns: killAt,
      runnerSplit,
      relaySplit,
      lostRuns: sample.breaches - sample.completed,
      lostEffects: Math.max(0, sample.breaches * 3 - effects.size),
      duplicatedEffects: [...effects.values()].reduce((n, c) => n + c - 1, 0),
    };
  } finally {
    await platform.stop();
    await sink.close();
  }
}
