/**
 * `riskloop workflow test --file f.yaml [--data sample.json] [--outputs outputs.json] [--verbose] [--json]`:
 * offline, with no platform: the definition is checked by the same rules the registry applies (shape,
 * references, expressions) and dry-run with the sample trigger payload: which triggers match, which steps
 * would run or be skipped, their rendered inputs, and the KRI events that would be emitted. Exit code 1 when
 * the definition is invalid; 2 when it is valid but the sample would not start a run.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';

interface TestOptions {
  file: string;
  data?: string;
  outputs?: string;
  verbose?: boolean;
  json?: boolean;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

export function workflowTestCommand(workflow: Command): void {
  workflow
    .command('test')
    .description('validate a definition and dry-run it with a sample trigger payload (offline)')
    .requiredOption('--file <path>', 'the definition, YAML or JSON')
    .option('--data <path>', 'the trigger payload, JSON (default {})')
    .option('--outputs <path>', 'assumed step outputs by step id, JSON')
    .option('--dry-run', 'dry run (the default; nothing is ever executed)')
    .option('--verbose', 'print every step input')
    .option('--json', 'print JSON')
    .action(async (options: TestOptions) => {
      // loaded when the command runs (main.ts says why)
      const { dryRun, parseYaml, validateDefinition } = await import('@riskloop/definitions');
      const validation = validateDefinition(parseYaml(readFileSync(options.file, 'utf8')));
      if (!validation.ok) {
        if (options.json) console.log(JSON.stringify({ valid: false, errors: validation.errors }));
        else for (const e of validation.errors) console.log(`invalid  ${e.path || '(root)'}: ${e.message}`);
        process.exitCode = 1;
        return;
      }
      const report = dryRun(validation.definition, {
        payload: options.data ? readJson(options.data) : {},
        ...(options.outputs ? { outputs: readJson(options.outputs) } : {}),
      });
      process.exitCode = report.wouldStart ? 0 : 2;
      if (options.json) {
        console.log(JSON.stringify({ valid: true, ...report }));
        return;
      }
      console.log(`valid    ${validation.definition.name}`);
      for (const t of report.triggers)
        console.log(
          `trigger  #${t.index} ${t.type}: ${t.matches ? 'matches' : `no match (${t.reason ?? ''})`}`,
        );
      for (const c of report.conditions)
        console.log(`if       ${c.expression}: ${c.error ? `error: ${c.error}` : String(c.holds)}`);
      console.log(`start    ${report.wouldStart ? 'a run would start' : 'no run would start'}`);
      for (const s of report.steps) {
        const note = s.error ? ` error: ${s.error}` : s.note ? ` (${s.note})` : '';
        console.log(`step     ${s.id.padEnd(20)} ${s.type.padEnd(12)} ${s.decision}${note}`);
        if (options.verbose && s.input !== undefined) console.log(`         ${JSON.stringify(s.input)}`);
      }
      for (const e of report.emits)
        console.log(`emits    ${e.event}${e.kri ? ` on ${e.kri}` : ''} from ${e.step}`);
    });
}
