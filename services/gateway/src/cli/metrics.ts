/**
 * `riskloop metrics <url...> [--json]`: scrape services' `/metrics` (METRICS_PORT) and summarise what an
 * operator looks at first: runs started and finished, events applied, deliveries by outcome, dead letters,
 * consumer lag, the p50/p99 of step and delivery latency, and each process's resident memory.
 */
import type { Command } from 'commander';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[k as string] = v as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[4]) });
  }
  return samples;
}

const sum = (samples: Sample[], name: string, where: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);

/** The bucket bound under which `q` of a histogram's observations fall (Prometheus-style, no interpolation). */
function quantile(samples: Sample[], name: string, q: number): number | null {
  const buckets = new Map<number, number>();
  for (const s of samples.filter((x) => x.name === `${name}_bucket`)) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  return sorted.find(([, count]) => count >= q * total)?.[0] ?? null;
}

export function summarise(samples: Sample[]) {
  const ms = (v: number | null) => (v === null ? null : v === Infinity ? 'over 30000' : v * 1000);
  const services = [...new Set(samples.map((s) => s.labels.service).filter(Boolean))] as string[];
  return {
    services,
    runsStarted: sum(samples, 'riskloop_runs_started_total'),
    runsFinished: Object.fromEntries(
      ['succeeded', 'failed', 'cancelled'].map((status) => [
        status,
        sum(samples, 'riskloop_runs_finished_total', { status }),
      ]),
    ),
    runEvents: sum(samples, 'riskloop_run_events_total'),
    deliveries: {
      succeeded: sum(samples, 'riskloop_deliveries_total', { outcome: 'succeeded' }),
      failed: sum(samples, 'riskloop_deliveries_total', { outcome: 'failed' }),
    },
    deadLetters: sum(samples, 'riskloop_dead_letters_total'),
    consumerLag: sum(samples, 'riskloop_consumer_lag'),
    stepMs: {
      p50: ms(quantile(samples, 'riskloop_step_seconds', 0.5)),
      p99: ms(quantile(samples, 'riskloop_step_seconds', 0.99)),
    },
    deliveryMs: {
      p50: ms(quantile(samples, 'riskloop_delivery_seconds', 0.5)),
      p99: ms(quantile(samples, 'riskloop_delivery_seconds', 0.99)),
    },
    rssMb: Math.round(sum(samples, 'riskloop_process_resident_memory_bytes') / 1048576),
  };
}

export function metricsCommand(program: Command): void {
  program
    .command('metrics <urls...>')
    .description('scrape services /metrics (e.g. http://127.0.0.1:9464/metrics) and summarise them')
    .option('--json', 'print JSON')
    .action(async (urls: string[], options: { json?: boolean }) => {
      const samples: Sample[] = [];
      for (const url of urls) {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
        samples.push(...parseMetrics(await response.text()));
      }
      const summary = summarise(samples);
      if (options.json) {
        console.log(JSON.stringify(summary));
        return;
      }
      const f = summary.runsFinished;
      console.log(`services       ${summary.services.join(', ')}`);
      console.log(
        `runs           ${summary.runsStarted} started; ${f.succeeded} succeeded, ${f.failed} failed, ${f.cancelled} cancelled`,
      );
      console.log(`run events     ${summary.runEvents}`);
      console.log(
        `deliveries     ${summary.deliveries.succeeded} succeeded, ${summary.deliveries.failed} failed`,
      );
      console.log(`dead letters   ${summary.deadLetters}`);
      console.log(`consumer lag   ${summary.consumerLag} messages`);
      console.log(
        `step ms        p50 ${String(summary.stepMs.p50)}, p99 ${String(summary.stepMs.p99)} (bucket bounds)`,
      );
      console.log(
        `delivery ms    p50 ${String(summary.deliveryMs.p50)}, p99 ${String(summary.deliveryMs.p99)} (bucket bounds)`,
      );
      console.log(`resident MB    ${summary.rssMb}`);
    });
}
