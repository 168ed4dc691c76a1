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
