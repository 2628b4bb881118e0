/**
 * Real service processes for tests: each service starts as its own OS process (`node --import tsx
 * services/<name>/src/main.ts`), and a test waits for its ready line, kills it, or restarts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeError } from '@riskloop/kit';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const serviceNames = [
  'registry',
  'trigger-router',
  'runner',
  'relay',
  'interview',
  'kri-emitter',
  'gateway',
] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Everything the process printed (stdout and stderr). */
  output(): string;
  /** The fields of the ready line (e.g. `port`, `instance`). */
  ready: Record<string, unknown>;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown, no cleanup. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export interface StartOptions {
  env: Record<string, string>;
  /** A script path relative to the repo root instead of a service's main. */
  script?: string;
  args?: string[];
  readyTimeoutMs?: number;
  /** Which ready line counts (default: the first). */
  readyWhen?: (fields: Record<string, unknown>) => boolean;
}

export async function startProcess(name: string, options: StartOptions): Promise<ServiceProcess> {
  const script = options.script ?? `services/${name}/src/main.ts`;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(options.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        // Not left running: a process that missed its start would hold connections and CPU after the test.
        child.kill('SIGKILL');
        reject(new Error(`${name} was not ready in time; output:\n${output.slice(-4000)}`));
      },
      // Generous: on a busy 2-core machine, several processes compiling TypeScript at once boot slowly.
      options.readyTimeoutMs ?? 90_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.includes('"msg":"ready"')) continue;
        const fields = JSON.parse(line) as Record<string, unknown>;
        if (options.readyWhen && !options.readyWhen(fields)) continue;
        clearTimeout(timer);
        resolve(fields);
        return;
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before ready; output:\n${output.slice(-4000)}`));
    });
  });
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  return {
    name,
    child,
    pid: child.pid ?? -1,
    output: () => output,
    ready,
    exited,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Poll `check` until it returns a value other than undefined/false, or fail after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${describeError(last)}` : ''}`);
}

export interface ScriptResult {
  code: number | null;
  /** The signal that ended it (e.g. a fixture that SIGKILLs itself). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a script (e.g. the CLI) to its end. */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<ScriptResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // 'close', not 'exit': only then has all of stdout been read.
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (c, sig) => resolve([c, sig])),
  );
  return { code, signal, stdout, stderr };
}
