import { LOG_LEVELS, readLogLevel, type LogLevel } from './config';
import type { Logger } from './core/logger';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Name of the function, on every line. */
  readonly service: string;
  /** Lowest level written. @default readLogLevel(): `AWS_LAMBDA_LOG_LEVEL` or `LOG_LEVEL`, else `info` */
  readonly level?: LogLevel;
  /** Where lines go. @default process.stdout */
  readonly write?: (line: string) => void;
}

/**
 * A JSON logger: one line per call, `{"level","message","service","timestamp",…fields}`. Callers pass
 * ids, sizes and counts only, never tokens or message payloads.
 */
export function createLogger(options: LoggerOptions): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? readLogLevel());
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    write(
      `${JSON.stringify({ level: level.toUpperCase(), message, service: options.service, timestamp: new Date().toISOString(), ...fields })}\n`,
    );
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
