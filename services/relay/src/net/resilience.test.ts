import { describe, expect, test } from 'vitest';
import { HttpStatusError } from './http.ts';
import { createResilience, describeFailure, isTransient, retryDelay } from './resilience.ts';

const options = {
  destinationConcurrency: 2,
  maxRetryAfterMs: 1_000,
  breakerThreshold: 5,
  breakerHalfOpenMs: 60_000,
};

describe('withSlot: bounded calls per destination', () => {
  test('a busy destination hands further work back at once while another destination still runs', async () => {
    const resilience = createResilience(options);
    const releases: (() => void)[] = [];
    const held = () => new Promise<void>((resolve) => releases.push(resolve));
    // Two in flight and two waiting fill the slow destination.
    const slow = Array.from({ length: 4 }, () => resilience.withSlot('t1:slow', held));
    await expect(resilience.withSlot('t1:slow', () => Promise.resolve('never'))).rejects.toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
    await expect(resilience.withSlot('t2:fast', () => Promise.resolve('ran'))).resolves.toBe('ran');
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(slow);
  });
});

describe('attempt', () => {
  const plan = { maxAttempts: 3, initialMs: 1, maxMs: 2 };

  test('a 4xx is tried once; a 5xx until the attempts run out', async () => {
    const resilience = createResilience(options);
    const once = { tries: 0 };
    await expect(
      resilience.attempt('a', plan, () => Promise.reject(new HttpStatusError(404, '', undefined)), once),
    ).rejects.toBeInstanceOf(HttpStatusError);
    expect(once.tries).toBe(1);
    const thrice = { tries: 0 };
    await expect(
      resilience.attempt('b', plan, () => Promise.reject(new HttpStatusError(502, '', undefined)), thrice),
    ).rejects.toBeInstanceOf(HttpStatusError);
    expect(thrice.tries).toBe(3);
  });

  test('a Retry-After longer than the limit ends the retries', async () => {
    const resilience = createResilience(options);
    const counter = { tries: 0 };
    await expect(
      resilience.attempt('c', plan, () => Promise.reject(new HttpStatusError(429, '', 60_000)), counter),
    ).rejects.toMatchObject({ status: 429 });
    expect(counter.tries).toBe(1);
  });
});

test('full jitter stays under the exponential bound; Retry-After wins when sent', () => {
  const plan = { maxAttempts: 5, initialMs: 100, maxMs: 1_000 };
  expect(retryDelay(plan, 1, new Error('x'), () => 0.999)).toBe(99);
  expect(retryDelay(plan, 3, new Error('x'), () => 0.5)).toBe(200);
  expect(retryDelay(plan, 10, new Error('x'), () => 0.999)).toBe(999);
  expect(retryDelay(plan, 1, new Error('x'), () => 0)).toBe(0);
  expect(retryDelay(plan, 1, new HttpStatusError(429, '', 3_000), () => 0.1)).toBe(3_000);
});

test('what can be retried, and how failures read', () => {
  expect(isTransient(new HttpStatusError(503, '', undefined))).toBe(true);
  expect(isTransient(new HttpStatusError(400, '', undefined))).toBe(false);
  expect(isTransient(new TypeError('fetch failed'))).toBe(true);
  expect(describeFailure(new HttpStatusError(500, 'boom', undefined))).toEqual({
    code: 'http_500',
    message: 'HTTP 500: boom',
  });
  expect(describeFailure(Object.assign(new Error('t'), { name: 'TimeoutError' })).code).toBe('timeout');
});
