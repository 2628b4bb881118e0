/**
 * Run a process's entry point: a failure to boot (bad configuration, unreachable database) prints one
 * clear line on stderr and exits non-zero instead of an unhandled-rejection dump.
 */
import { describeError } from './errors.ts';

export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`fatal: ${describeError(error)}\n`);
    process.exit(1);
  });
}
