/** The bench's report: its JSON shape, and the readable table printed before the JSON line. */
import type { Ceilings } from './ceilings.ts';
import type { Measured } from './measure.ts';
import type { ScaleOutReport } from './scale-out.ts';

export interface BenchReport {
  bench: 'standard';
  at: string;
  machine: { cpus: number; node: string };
  quick: boolean;
  ceilings: Ceilings;
  /** CPU ms per second each service uses with no load (polling loops). */
  idleCpuMsPerSec: Record<string, number>;
  levels: (Measured & { inFlight: number })[];
  halfLoad: Measured & { perSecond: number };
  best: {
    inFlight: number;
    runsPerSec: number;
    stepTransitionsPerSec: number;
    commitsPerRun: number;
    cpuMsPerRun: number;
  };
  ratios: Record<string, number>;
  rssMb: { runner: number; relay: number };
  /** Over every breach the bench published: runs and effects lost or duplicated (both must be 0). */
  effects: {
    breaches: number;
    completed: number;
    expected: number;
    distinct: number;
    duplicated: number;
    lost: number;
    lostEffects: number;
  };
  scaleOut?: ScaleOutReport;
  waiting?: Record<string, unknown>;
  seconds?: number;
}

const pad = (v: unknown, n: number) => String(v).padStart(n);

function row(name: string, m: Measured): string {
  const cpu = Object.entries(m.cpuMsPerRun)
    .filter(([, v]) => v >= 0.05)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
  return [
    name.padEnd(12),
    pad(m.runsPerSec, 8),
    pad(m.stepTransitionsPerSec, 8),
    pad(`${m.firstEffectMs.p50}/${m.firstEffectMs.p95}/${m.firstEffectMs.p99}`, 20),
    pad(`${m.completedMs.p50}/${m.completedMs.p95}/${m.completedMs.p99}`, 22),
    pad(m.commitsPerRun, 8),
    pad(`${m.machineBusyPct}%`, 5),
    `  ${cpu}`,
  ].join(' ');
}

export function printReport(r: BenchReport): void {
  const c = r.ceilings;
  const out = (line = '') => console.log(line);
  out(`riskloop bench: standard workload (kri_breach -> 3 webhooks -> emit_kri), ${r.machine.cpus} CPUs`);
  out();
  out('machine ceilings (same PostgreSQL and NATS)');
  out(
    `  PostgreSQL single-row commit, 1 / 8 clients: ${c.pgCommitsPerSec1} / ${c.pgCommitsPerSec8} tx/s (fsync ${c.pgSettings.fsync}, synchronous_commit ${c.pgSettings.synchronousCommit})`,
  );
  out(
    `  JetStream publish with ack, 1 / 256 in flight: ${c.jsPublishAckPerSec1} / ${c.jsPublishAckPerSec256} msg/s`,
  );
  out();
  out(
    `${'in flight'.padEnd(12)} ${pad('runs/s', 8)} ${pad('steps/s', 8)} ${pad('1st effect p50/95/99', 20)} ${pad('completed p50/95/99 ms', 22)} ${pad('commits', 8)} ${pad('CPU', 5)}   CPU ms per run`,
  );
  for (const level of r.levels) out(row(String(level.inFlight), level));
  out(row(`half ${r.halfLoad.perSecond}/s`, r.halfLoad));
  out();
  out('CPU ms per run of what the services run on (bench = load generator and HTTP sink):');
  for (const level of [...r.levels, r.halfLoad]) {
    const name = 'inFlight' in level ? String(level.inFlight) : `half ${r.halfLoad.perSecond}/s`;
    const infra = Object.entries(level.infraCpuMsPerRun)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ');
    out(`${name.padEnd(12)} ${infra}`);
  }
  out();
  out(
    `best: ${r.best.runsPerSec} runs/s at ${r.best.inFlight} in flight; ${r.best.cpuMsPerRun.toFixed(1)} CPU ms per run`,
  );
  out(
    `ratios: ${Object.entries(r.ratios)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  out(`RSS: runner ${r.rssMb.runner} MB, relay ${r.rssMb.relay} MB`);
  const e = r.effects;
  out(
    `effects: ${e.breaches} breaches, ${e.completed} runs succeeded, ${e.distinct}/${e.expected} effects, lost runs ${e.lost}, lost effects ${e.lostEffects}, duplicated ${e.duplicated}`,
  );
  if (r.scaleOut) {
    const s = r.scaleOut;
    out();
    out(
      `scale-out: ${s.runners} runners + ${s.relays} relays, ${s.runsPerSec} runs/s, runner#1 killed after ${s.killedRunnerAfterRuns} runs`,
    );
    out(
      `  run events by runner: ${JSON.stringify(s.runnerSplit)}; deliveries by relay: ${JSON.stringify(s.relaySplit)}`,
    );
    out(
      `  lost runs ${s.lostRuns}, lost effects ${s.lostEffects}, duplicated effects ${s.duplicatedEffects}`,
    );
  }
  if (r.waiting) {
    out();
    out(`waiting runs: ${JSON.stringify(r.waiting)}`);
  }
  out();
}
