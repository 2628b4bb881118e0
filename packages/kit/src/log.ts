/** Structured JSON logs (pino). One logger per process, children per component. */
import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino({
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid },
    // Credentials must never reach a log line.
    redact: ['*.authorization', '*.apiKey', '*.password', '*.secret', 'headers.authorization'],
  });
}
