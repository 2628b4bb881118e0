/**
 * One error type for the whole platform. Each error has a stable `code`, an HTTP-ish `status` for the edges
 * that speak HTTP, and says whether retrying can help. Only the edges translate it: the bus maps
 * `retryable` to nak-with-delay and everything else to a dead letter; the gateway maps it to problem+json.
 */
export interface RiskloopErrorOptions {
  status?: number;
  retryable?: boolean;
  /** Where in the input the problem is, e.g. `steps[2].webhook.url`. */
  path?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class RiskloopError extends Error {
  override name = 'RiskloopError';
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly path: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: RiskloopErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? false;
    this.path = options.path;
    this.details = options.details;
  }

  static notFound(what: string, id: string): RiskloopError {
    return new RiskloopError('not_found', `${what} ${id} was not found`, { status: 404 });
  }

  static invalid(message: string, path?: string, details?: Record<string, unknown>): RiskloopError {
    return new RiskloopError('invalid', message, { status: 422, path, details });
  }

  static conflict(message: string): RiskloopError {
    return new RiskloopError('conflict', message, { status: 409 });
  }

  static forbidden(message: string): RiskloopError {
    return new RiskloopError('forbidden', message, { status: 403 });
  }

  static unauthorized(message = 'a valid API key is required'): RiskloopError {
    return new RiskloopError('unauthorized', message, { status: 401 });
  }

  /** A dependency is down or busy: the same work can succeed later. */
  static unavailable(message: string, cause?: unknown): RiskloopError {
    return new RiskloopError('unavailable', message, { status: 503, retryable: true, cause });
  }

  /** A message that can never be processed, whatever is retried. */
  static poison(message: string, cause?: unknown): RiskloopError {
    return new RiskloopError('poison', message, { status: 400, retryable: false, cause });
  }
}

export function isRiskloopError(value: unknown): value is RiskloopError {
  return value instanceof RiskloopError;
}

/** The message of any thrown value, for logs and dead letters. */
export function describeError(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
