/**
 * Failure handling per destination (cockatiel): retries with exponential backoff and full jitter that
 * honour `Retry-After`; a circuit breaker that stops calling a destination after consecutive faults; and
 * a bulkhead that bounds the calls in flight to one destination, so a slow destination of one tenant holds
 * a few of the relay's slots, not all of them.
 */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  ConsecutiveBreaker,
  DelegateBackoff,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IRetryBackoffContext,
} from 'cockatiel';
import { describeError, isRiskloopError, RiskloopError } from '@riskloop/kit';
import { HttpStatusError } from './http.ts';

export interface ResilienceOptions {
  /** Calls in flight to one destination (and as many waiting); more are handed back to the bus. */
  destinationConcurrency: number;
  /** A `Retry-After` longer than this ends the retries instead. */
  maxRetryAfterMs: number;
  /** Consecutive faults that open a destination's circuit. */
  breakerThreshold: number;
  /** How long an open circuit waits before letting one call try. */
  breakerHalfOpenMs: number;
}

export interface RetryPlan {
  maxAttempts: number;
  initialMs: number;
  maxMs: number;
}

export interface StepError {
  code: string;
  message: string;
}

/** Network errors, timeouts, 408/429/5xx and an open circuit can pass; everything else will not. */
export function isTransient(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.retryable;
  if (error instanceof Error && error.name === 'SecretError') return false;
  if (error instanceof BrokenCircuitError) return true;
  if (isRiskloopError(error)) return error.retryable;
  return error instanceof Error;
}

/** A fault of the destination itself (counts towards opening its circuit); a 4xx is the request's fault. */
const isDestinationFault = (error: unknown) =>
  error instanceof HttpStatusError
    ? error.status >= 500 || error.status === 429
    : !isRiskloopError(error) || error.retryable;

export function describeFailure(error: unknown): StepError {
  if (error instanceof HttpStatusError) return { code: `http_${error.status}`, message: error.message };
  if (error instanceof BrokenCircuitError) {
    return {
      code: 'circuit_open',
      message: 'the destination failed repeatedly; calls are paused for a while',
    };
  }
  if (isRiskloopError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error && error.name === 'SecretError') {
    return { code: 'secret_unreadable', message: `a credential could not be opened: ${error.message}` };
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { code: 'timeout', message: 'the destination did not answer in time' };
  }
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return { code: 'unreachable', message: `${describeError(error)}${cause}` };
}

/** Full jitter: a random delay up to the exponential bound; `Retry-After` when the destination sent one. */
export function retryDelay(plan: RetryPlan, attempt: number, error: unknown, random = Math.random): number {
  if (error instanceof HttpStatusError && error.retryAfterMs !== undefined) return error.retryAfterMs;
  const bound = Math.min(plan.maxMs, plan.initialMs * 2 ** (attempt - 1));
  return Math.floor(random() * bound);
}

export function createResilience(options: ResilienceOptions) {
  const breakers = new Map<string, CircuitBreakerPolicy>();
  const bulkheads = new Map<string, BulkheadPolicy>();

  const breakerOf = (key: string) => {
    let breaker = breakers.get(key);
    if (!breaker) {
      breaker = circuitBreaker(handleWhen(isDestinationFault), {
        halfOpenAfter: options.breakerHalfOpenMs,
        breaker: new ConsecutiveBreaker(options.breakerThreshold),
      });
      breakers.set(key, breaker);
    }
    return breaker;
  };

  return {
    /**
     * Run `work` in one of the destination's slots. When they and the queue are full it throws a
     * retryable error before `work` starts (the bus hands the command back for later).
     */
    async withSlot<T>(key: string, work: () => Promise<T>): Promise<T> {
      let policy = bulkheads.get(key);
      if (!policy) {
        policy = bulkhead(options.destinationConcurrency, options.destinationConcurrency);
        bulkheads.set(key, policy);
      }
      try {
        return await policy.execute(work);
      } catch (error) {
        if (error instanceof BulkheadRejectedError) {
          throw RiskloopError.unavailable(`destination ${key} is busy`, error);
        }
        throw error;
      }
    },

    /** Call until it succeeds, fails for good, or the attempts run out; counts every try. */
    async attempt<T>(
      key: string,
      plan: RetryPlan,
      call: () => Promise<T>,
      counter: { tries: number },
    ): Promise<T> {
      const retries = retry(
        handleWhen(
          (error) =>
            isTransient(error) &&
            !(error instanceof HttpStatusError && (error.retryAfterMs ?? 0) > options.maxRetryAfterMs),
        ),
        {
          maxAttempts: Math.max(0, plan.maxAttempts - 1),
          backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) =>
            retryDelay(plan, context.attempt, 'error' in context.result ? context.result.error : undefined),
          ),
        },
      );
      return wrap(retries, breakerOf(key)).execute(() => {
        counter.tries += 1;
        return call();
      });
    },
  };
}

export type Resilience = ReturnType<typeof createResilience>;
