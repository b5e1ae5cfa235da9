import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Correlation ids come from the request (Fastify's request id); secrets and SAML
 * messages never reach a log line: the usual carriers are redacted by path, and the code never logs
 * request bodies.
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: {
      paths: [
        'password',
        '*.password',
        'SAMLResponse',
        '*.SAMLResponse',
        'SAMLRequest',
        '*.SAMLRequest',
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}
