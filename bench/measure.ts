/**
 * Wrap one load phase with the readings that explain it: CPU time and peak RSS of every service process,
 * the machine's busy share, and the database's commits and run-history rows (step transitions) over it.
 */
import type { Platform, ServiceProcess } from '@riskloop/testkit';
import { cpuMs, infraCpuDelta, infraCpuMs, machineTicks, rssMb } from './probe.ts';
import type { Sample } from './drive.ts';

export interface Measured extends Sample {
  stepTransitionsPerSec: number;
  commitsPerRun: number;
  /** CPU milliseconds per completed run, by service (summed over its copies). */
  cpuMsPerRun: Record<string, number>;
  /** The same for what the services run on: PostgreSQL, nats-server, and the bench's own load and sink. */
  infraCpuMsPerRun: Record<string, number>;
  /** Peak resident memory during the phase, by process (`runner`, `relay`, `runner#2`...). */
  peakRssMb: Record<string, number>;
  machineBusyPct: number;
}

const label = (processes: ServiceProcess[], p: ServiceProcess) => {
  const same = processes.filter((q) => q.name === p.name);
  return same.length > 1 ? `${p.name}#${same.indexOf(p) + 1}` : p.name;
};

async function dbCounters(platform: Platform): Promise<{ commits: number; history: number }> {
  const [stat] = await platform.db.query<{ commits: string }>(
    `select xact_commit as commits from pg_stat_database where datname = current_database()`,
  );
  const [history] = await platform.db.query<{ n: string }>(`select count(*) as n from runner.run_history`);
  return { commits: Number(stat?.commits ?? 0), history: Number(history?.n ?? 0) };
}

export async function measured(platform: Platform, phase: () => Promise<Sample>): Promise<Measured> {
  const processes = platform.processes.filter((p) => p.child.exitCode === null);
  // pg_stat_database lags up to a second behind: let it settle around the phase.
  await new Promise((r) => setTimeout(r, 1_100));
  const before = await dbCounters(platform);
  const cpuBefore = new Map(processes.map((p) => [p, cpuMs(p.pid)]));
  const ticksBefore = machineTicks();
  const infraBefore = infraCpuMs();
  const peak = new Map<string, number>();
  const sampleRss = () => {
    for (const p of processes) {
      const key = label(processes, p);
      peak.set(key, Math.max(peak.get(key) ?? 0, rssMb(p.pid)));
    }
  };
  const sampler = setInterval(sampleRss, 250);
  let sample: Sample;
  try {
    sample = await phase();
  } finally {
    clearInterval(sampler);
  }
  sampleRss();
  const ticksAfter = machineTicks();
  const infraAfter = infraCpuMs();
  const cpuAfter = new Map(processes.map((p) => [p, cpuMs(p.pid)]));
  await new Promise((r) => setTimeout(r, 1_100));
  const after = await dbCounters(platform);
  const runs = Math.max(1, sample.completed + sample.failed);
  const cpuMsPerRun: Record<string, number> = {};
  for (const p of processes) {
    const used = (cpuAfter.get(p) ?? 0) - (cpuBefore.get(p) ?? 0);
    cpuMsPerRun[p.name] = Math.round(((cpuMsPerRun[p.name] ?? 0) + used / runs) * 100) / 100;
  }
  const infraCpuMsPerRun = Object.fromEntries(
    Object.entries(infraCpuDelta(infraBefore, infraAfter)).map(([name, ms]) => [
      name,
      Math.round((ms / runs) * 100) / 100,
    ]),
  );
  return {
    ...sample,
    infraCpuMsPerRun,
    stepTransitionsPerSec:
      sample.seconds > 0 ? Math.round((after.history - before.history) / sample.seconds) : 0,
    commitsPerRun: Math.round(((after.commits - before.commits) / runs) * 10) / 10,
    cpuMsPerRun,
    peakRssMb: Object.fromEntries(peak),
    machineBusyPct: Math.round(
      ((ticksAfter.busy - ticksBefore.busy) / Math.max(1, ticksAfter.total - ticksBefore.total)) * 100,
    ),
  };
}

/**
 * CPU milliseconds per second each service spends with no load (polling loops: timers, releases, outbox
 * reconcilers, schedules). At low throughput this is a large share of the CPU per run.
 */
export async function idleCpuMsPerSec(platform: Platform, ms = 5_000): Promise<Record<string, number>> {
  const processes = platform.processes.filter((p) => p.child.exitCode === null);
  const before = new Map(processes.map((p) => [p, cpuMs(p.pid)]));
  await new Promise((r) => setTimeout(r, ms));
  const idle: Record<string, number> = {};
  for (const p of processes) {
    const used = cpuMs(p.pid) - (before.get(p) ?? 0);
    idle[p.name] = Math.round(((idle[p.name] ?? 0) + used / (ms / 1000)) * 10) / 10;
  }
  return idle;
}
