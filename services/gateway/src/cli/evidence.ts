/**
 * `riskloop evidence verify <pack.json> [--key <jwk.json>]`: check an evidence pack offline. Exit 0 when
 * the chain, head and signature hold; exit 1 naming the first broken entry (or what else failed).
 */
import type { verifyPack } from '@riskloop/evidence';
import type { Command } from 'commander';
import type { JWK } from 'jose';
import { readFile } from 'node:fs/promises';

export function evidenceCommands(program: Command): void {
  const evidence = program.command('evidence').description('evidence packs of runs');
  evidence
    .command('verify <pack>')
    .description('verify an evidence pack (GET /api/runs/:runId/evidence): hash chain, head and signature')
    .option(
      '--key <jwk>',
      'the tenant public key (GET /api/evidence/public-key); default: the key in the pack',
    )
    .option('--json', 'print JSON')
    .action(async (file: string, options: { key?: string; json?: boolean }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        report(
          { ok: false, reason: `${file} is not readable JSON: ${(error as Error).message}` },
          options.json,
        );
        return;
      }
      const trusted = options.key ? (JSON.parse(await readFile(options.key, 'utf8')) as JWK) : undefined;
      // loaded when the command runs (main.ts says why)
      const { verifyPack } = await import('@riskloop/evidence');
      report(await verifyPack(parsed, trusted), options.json, trusted === undefined);
    });
}

function report(result: Awaited<ReturnType<typeof verifyPack>>, json?: boolean, embeddedKey = false): void {
  if (json) console.log(JSON.stringify(result));
  else if (result.ok) {
    console.log(`ok: ${result.entries} entries, head ${result.head}, signed by key ${result.kid}`);
    if (embeddedKey)
      console.log('note: checked with the key inside the pack; pass --key to check who signed it');
  } else console.log(`FAILED: ${result.reason}`);
  if (!result.ok) process.exitCode = 1;
}
