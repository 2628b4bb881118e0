/**
 * `npm run bench:evidence [-- --steps 100 --repeat 20]`: how long building an evidence pack takes for a run
 * of `steps` steps (each with an input, an output and a delivery, plus artifacts), once the services have
 * answered: chaining and hashing the entries, signing the head (Ed25519 JWS), verifying the pack and
 * rendering its PDF summary. The RPCs that gather the data are not included (one round trip per service,
 * in parallel). Prints a table and, last, JSON.
 */
import { buildPack, renderSummary, tenantKey, verifyPack, type EntryInput } from '@riskloop/evidence';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '100' }, repeat: { type: 'string', default: '20' } },
});
const steps = Number(values.steps);
const repeat = Number(values.repeat);

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
function entriesOf(n: number): EntryInput[] {
  const ids = Array.from({ length: n }, (_, i) => `step_${i}`);
  const entries: EntryInput[] = [
    {
      kind: 'workflow_version',
      name: 'wf@1',
      data: { definition: { steps: ids.map((id) => ({ id, type: 'webhook' })) } },
    },
    { kind: 'trigger', name: 'manual', data: { payload: { resource: { id: 'i-1', tags: ['a', 'b'] } } } },
    { kind: 'path', name: 'path', data: ids },
  ];
  ids.forEach((id, i) => {
    entries.push({
      kind: 'step',
      name: id,
      data: {
        id,
        type: 'webhook',
        status: 'succeeded',
        input: {
          url: 'https://hooks.example.com/in',
          body: { run: randomUUID(), n: i, note: 'x'.repeat(200) },
        },
        output: { status: 200, body: { ok: true, id: randomUUID() } },
        attempts: 1,
        tries: 1,
        startedAt: at(i * 10),
        finishedAt: at(i * 10 + 7),
        durationMs: 7,
      },
    });
    entries.push({
      kind: 'delivery',
      name: `${id}:1`,
      data: { stepId: id, status: 'succeeded', tries: 1, latencyMs: 7 },
    });
  });
  for (const name of ['report.pdf', 'report.html']) {
    entries.push({
      kind: 'artifact',
      name,
      data: { name, sha256: randomBytes(32).toString('hex'), size: 20_000 },
    });
  }
  entries.push({ kind: 'run', name: 'run', data: { status: 'succeeded' } });
  return entries;
}

const key = await tenantKey(randomBytes(32), 'bench-tenant');
const inputs = entriesOf(steps);
const timings = { build: [] as number[], verify: [] as number[], summary: [] as number[] };
let bytes = 0;
for (let i = 0; i < repeat; i++) {
  let t = performance.now();
  const pack = await buildPack('bench-tenant', randomUUID(), inputs, key, new Date());
  timings.build.push(performance.now() - t);
  const text = JSON.stringify(pack);
  bytes = Buffer.byteLength(text);
  t = performance.now();
  const check = await verifyPack(JSON.parse(text));
  timings.verify.push(performance.now() - t);
  if (!check.ok) throw new Error(`the pack did not verify: ${check.reason}`);
  t = performance.now();
  await renderSummary(pack);
  timings.summary.push(performance.now() - t);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const result = {
  steps,
  entries: inputs.length,
  packBytes: bytes,
  repeat,
  buildMsMedian: Number(median(timings.build).toFixed(2)),
  verifyMsMedian: Number(median(timings.verify).toFixed(2)),
  summaryPdfMsMedian: Number(median(timings.summary).toFixed(2)),
  buildMsFirst: Number((timings.build[0] ?? 0).toFixed(2)),
};
console.log(`evidence pack of a ${steps}-step run: ${inputs.length} entries, ${bytes} bytes`);
console.log(`build + sign  median ${result.buildMsMedian} ms (first ${result.buildMsFirst} ms)`);
console.log(`verify        median ${result.verifyMsMedian} ms`);
console.log(`PDF summary   median ${result.summaryPdfMsMedian} ms`);
console.log(JSON.stringify(result));
