// Logging: pino, JSON in production and pretty in a terminal; secrets and message bodies are redacted.
import { pino, type Logger as PinoLogger } from 'pino';
import { stdoutLogDestination } from './log-destination.js';

export type Logger = Pick<PinoLogger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

/** Paths that may carry a secret or a person's words: never printed at any level. */
export const redactPaths = [
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'body',
  '*.body',
  'message',
  '*.message',
  'text',
  '*.text',
];

export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY === true && process.env.NODE_ENV !== 'production');
  // Not pino's default stdout stream (see log-destination.ts): at exit it retries a write to a closed pipe forever.
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } } : {}),
  }, pretty ? undefined : stdoutLogDestination());
}

export const silentLogger: Logger = pino({ level: 'silent' });
