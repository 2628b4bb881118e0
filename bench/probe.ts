/** What the bench reads from /proc: a process's resident memory and CPU time, and the machine's busy share. */
import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of `pid` in MB (0 once it has exited). */
export function rssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return Math.round(Number(line?.[1] ?? 0) / 102.4) / 10;
  } catch {
    return 0;
  }
}

/** User + system CPU time of `pid` in milliseconds (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * CPU milliseconds used so far by each process the platform runs on: every `postgres` process (backends
 * and background workers) and `nats-server`, by pid, and this bench process (load generator and HTTP sink).
 */
export function infraCpuMs(): Map<string, { name: string; ms: number }> {
  const used = new Map<string, { name: string; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let name: string;
    try {
      name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (name === 'postgres' || name === 'nats-server') used.set(entry, { name, ms: cpuMs(Number(entry)) });
  }
  const own = process.cpuUsage();
  used.set('bench', { name: 'bench', ms: (own.user + own.system) / 1000 });
  return used;
}

/**
 * CPU milliseconds by name between two `infraCpuMs` readings: a process started in between counts from
 * zero; one that exited in between (a closed connection's backend) is left out, so this is a lower bound.
 */
export function infraCpuDelta(
  before: ReturnType<typeof infraCpuMs>,
  after: ReturnType<typeof infraCpuMs>,
): Record<string, number> {
  const used: Record<string, number> = { postgres: 0, 'nats-server': 0, bench: 0 };
  for (const [pid, { name, ms }] of after) used[name] = (used[name] ?? 0) + ms - (before.get(pid)?.ms ?? 0);
  return used;
}

/** Busy and total jiffies of the whole machine, for a busy share between two readings. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, ...values] = line.trim().split(/\s+/);
  const n = values.map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Percentiles (nearest rank) of `values`, rounded to 0.1 ms. */
export function percentiles(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    if (sorted.length === 0) return 0;
    const v = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
    return Math.round(v * 10) / 10;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}
