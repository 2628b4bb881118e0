/**
 * `npm run chaos [-- --runs 500 --kills 12]`: the crash-safety figures of the runner. Starts its own
 * platform (fresh database and NATS prefix on the local servers) and prints a table and, as the last line,
 * JSON.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './run-chaos.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '500' }, kills: { type: 'string', default: '12' } },
});
const report = await runChaos({
  runs: Number(values.runs),
  kills: Number(values.kills),
  log: (line) => console.error(`chaos: ${line}`),
});
for (const [name, value] of Object.entries(report)) console.log(`${name.padEnd(18)} ${String(value)}`);
console.log(JSON.stringify(report));
process.exit(
  report.lost +
    report.stuck +
    report.failed +
    report.duplicateEffects +
    report.missingEffects +
    report.deadLetters ===
    0
    ? 0
    : 1,
);
