import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { createLifecycle } from './shutdown.ts';

/** A real pino logger whose lines are kept in memory. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { log, lines };
}

describe('createLifecycle', () => {
  test('runs steps once, last registered first, even when shutdown is called twice', async () => {
    const { log } = memoryLog();
    const lifecycle = createLifecycle({ log, handleSignals: false });
    const order: string[] = [];
    lifecycle.onShutdown('close pools', () => {
      order.push('close pools');
    });
    lifecycle.onShutdown('drain consumers', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('drain consumers');
    });
    lifecycle.onShutdown('stop http', () => {
      order.push('stop http');
    });

    const first = lifecycle.shutdown('test');
    const second = lifecycle.shutdown('again');
    expect(second).toBe(first);
    await Promise.all([first, second]);
    await lifecycle.shutdown('after');

    expect(order).toEqual(['stop http', 'drain consumers', 'close pools']);
  });

  test('continues past a failing step and logs it', async () => {
    const { log, lines } = memoryLog();
    const lifecycle = createLifecycle({ log, handleSignals: false });
    const order: string[] = [];
    lifecycle.onShutdown('close pools', () => {
      order.push('close pools');
    });
    lifecycle.onShutdown('flaky', () => Promise.reject(new Error('socket already closed')));
    lifecycle.onShutdown('throws', () => {
      throw new Error('sync failure');
    });

    await expect(lifecycle.shutdown('test')).resolves.toBeUndefined();

    expect(order).toEqual(['close pools']);
    const failures = lines.filter((line) => line.msg === 'shutdown step failed');
    expect(failures.map((line) => line.step)).toEqual(['throws', 'flaky']);
    expect(lines.at(-1)?.msg).toBe('stopped');
  });

  test('does not install signal handlers when handleSignals is false', () => {
    const { log } = memoryLog();
    const before = process.listenerCount('SIGTERM');
    createLifecycle({ log, handleSignals: false });
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
