import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Credentials never reach them: authorization and cookie headers are
 * redacted, and request logs carry method, path and status only (no query strings with
 * tokens, no bodies with passwords, no emails).
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'kewhats-exporter' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
      censor: '[redacted]',
    },
  });
}

/**
 * What a log line says about an error: its name, message and driver code (a PostgreSQL SQLSTATE,
 * ECONNRESET…), never its stack or the values it was thrown with.
 */
export function errorFields(error: unknown): { err: { name: string; message: string; code?: string } } {
  if (!(error instanceof Error)) return { err: { name: 'Error', message: String(error) } };
  const code = (error as { code?: unknown }).code;
  return { err: { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) } };
}
