import type { Logger } from './core/logger';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Name of the function, on every line. */
  readonly service: string;
  /** Lowest level written. @default `AWS_LAMBDA_LOG_LEVEL` or `LOG_LEVEL`, else `info` */
  readonly level?: Level;
  /** Where lines go. @default process.stdout */
  readonly write?: (line: string) => void;
}

function levelFromEnv(): Level {
  const raw = (process.env.AWS_LAMBDA_LOG_LEVEL ?? process.env.LOG_LEVEL ?? '').toLowerCase();
  return raw in LEVELS ? (raw as Level) : 'info';
}

/**
 * A JSON logger: one line per call, `{"level","message","service","timestamp",…fields}`. Callers pass
 * ids, sizes and counts only, never tokens or message payloads.
 */
export function createLogger(options: LoggerOptions): Logger {
  const min = LEVELS[options.level ?? levelFromEnv()];
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const log = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    write(
      `${JSON.stringify({ level: level.toUpperCase(), message, service: options.service, timestamp: new Date().toISOString(), ...fields })}\n`,
    );
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
