// Logging: pino, JSON in production and pretty in a terminal; secrets and message bodies are redacted.
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Redact } from '../core/redactor.js';
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

/**
 * pino's error serializer, with the error's message taken out of its stack too: `message` is redacted by path, and
 * the stack's first line repeats it (a parse error may quote what a person wrote).
 */
export function serializeError(error: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const { message, stack } = serialized as { message?: unknown; stack?: unknown };
  if (typeof message === 'string' && message !== '' && typeof stack === 'string') {
    return { ...serialized, stack: stack.split(message).join('[redacted]') };
  }
  return serialized;
}

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  /** Applied to each finished log line, whatever field (or error message) a configured secret hides in. */
  redact?: Redact;
  /** Where lines go instead of stdout (tests read them); a pretty terminal transport is not used then. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.destination === undefined && (options.pretty ?? (process.stdout.isTTY === true && process.env.NODE_ENV !== 'production'));
  const settings = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { err: serializeError },
    ...(options.redact ? { hooks: { streamWrite: options.redact } } : {}),
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } } : {}),
  };
  if (pretty) return pino(settings);
  // Not pino's default stdout stream (see log-destination.ts): at exit it retries a write to a closed pipe forever.
  return pino(settings, options.destination ?? stdoutLogDestination());
}

export const silentLogger: Logger = pino({ level: 'silent' });
