/**
 * `npm run bench:profile -- DIR [--top N]`: what the V8 CPU profiles that `npm run bench -- --profile DIR`
 * wrote say, per service: CPU self time by package (a dependency, one of ours, a Node built-in, the garbage
 * collector) and the hottest functions. Idle time is left out of the shares.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code comes from: `pg`, `@nats-io/nats-core`, `ours: packages/db`, `node:net`, `(gc)`. */
export function packageOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(idle)' || functionName === '(program)') return functionName;
    return '(native)';
  }
  const dependency = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return dependency[1] as string;
  const own = /\/(packages|services)\/([^/]+)\//.exec(url);
  if (own) return `ours: ${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return url;
  return '(other)';
}

export interface Summary {
  file: string;
  busyMs: number;
  packages: { name: string; ms: number; share: number }[];
  functions: { name: string; where: string; ms: number; share: number }[];
}

export function summarize(file: string, profile: CpuProfile, top: number): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const packages = new Map<string, number>();
  const functions = new Map<string, { where: string; us: number }>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const name = packageOf(frame.url, frame.functionName);
    if (name === '(idle)') continue;
    busyUs += us;
    packages.set(name, (packages.get(name) ?? 0) + us);
    const where = `${frame.url.replace(/^.*\/(node_modules|packages|services)\//, '$1/')}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName || '(anonymous)'} ${where}`;
    const entry = functions.get(key) ?? { where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const share = (us: number) => (busyUs === 0 ? 0 : us / busyUs);
  return {
    file,
    busyMs: busyUs / 1000,
    packages: [...packages]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: share(us) })),
    functions: [...functions]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([key, { where, us }]) => ({
        name: key.split(' ')[0] as string,
        where,
        ms: us / 1000,
        share: share(us),
      })),
  };
}

function main(): void {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '12' }, json: { type: 'boolean', default: false } },
  });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: npm run bench:profile -- DIR [--top N] [--json]');
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const summaries = files.map((f) =>
    summarize(f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile, Number(values.top)),
  );
  summaries.sort((a, b) => b.busyMs - a.busyMs);
  if (values.json) {
    console.log(JSON.stringify(summaries));
    return;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`.padStart(7);
  for (const s of summaries) {
    console.log(`\n${s.file}: ${(s.busyMs / 1000).toFixed(1)} s busy`);
    console.log('  by package:');
    for (const p of s.packages) console.log(`    ${pct(p.share)}  ${p.name}`);
    console.log('  hottest functions (self time):');
    for (const f of s.functions) console.log(`    ${pct(f.share)}  ${f.name}  ${f.where}`);
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) main();
