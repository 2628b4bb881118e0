/** RFC 9457 problem details: the only shape an error leaves the gateway in. */
import type { Problem } from '@riskloop/contracts';
import { isRiskloopError, type Logger } from '@riskloop/kit';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(c: Context, status: number, detail: string, extra: Partial<Problem> = {}): Response {
  const body: Problem = {
    type: `https://riskloop.dev/problems/${extra.code ?? status}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    ...extra,
  };
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  });
}

/** Hono `onError`: a `RiskloopError` keeps its status and field errors; anything else is a 500. */
export function problemFromError(log: Logger) {
  return (error: Error, c: Context): Response => {
    if (isRiskloopError(error)) {
      const errors = error.details?.errors as Problem['errors'] | undefined;
      return problem(c, error.status, error.message, {
        code: error.code,
        ...(errors
          ? { errors }
          : error.path
            ? { errors: [{ path: error.path, message: error.message }] }
            : {}),
      });
    }
    log.error({ err: error, path: c.req.path }, 'unhandled error');
    return problem(c, 500, 'something went wrong on our side', { code: 'internal' });
  };
}
