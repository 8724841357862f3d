import type { CloudEventKind } from './event-hub';

/** A console event read from one of the stack's functions' JSON log lines. */
export interface FunctionReport {
  readonly kind: CloudEventKind;
  readonly text: string;
  readonly data: Record<string, unknown>;
}

type LogFields = Record<string, unknown> & { message: string };

function parseJsonLine(text: string): LogFields | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && typeof (value as LogFields).message === 'string' ? (value as LogFields) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the console learns from a function's structured log line (the handlers' JSON logger): a push's
 * `{delivered, gone, failed}` report, and the authorizer's reason for refusing a connection. Other lines
 * give nothing. The push report exists only inside the function, so its log line is where it is read.
 */
export function functionReport(functionName: string, text: string): FunctionReport | undefined {
  const line = parseJsonLine(text);
  if (!line) return undefined;
  const { message } = line;
  if (message === 'push delivered' || message === 'fan-out batch delivered') {
    const data = { functionName, eventId: line.eventId, audience: line.audience, delivered: line.delivered, gone: line.gone, failed: line.failed, durationMs: line.durationMs };
    return { kind: 'push', text: `${message}: delivered ${String(line.delivered)}, gone ${String(line.gone)}, failed ${String(line.failed)} (event ${String(line.eventId)})`, data };
  }
  if (message === 'push queued for the fan-out workers') {
    return { kind: 'push', text: `push queued: ${String(line.connections)} connections in ${String(line.batches)} batches (event ${String(line.eventId)})`, data: { functionName, eventId: line.eventId, connections: line.connections, batches: line.batches } };
  }
  if (message === 'connection denied' || message === 'connection unauthorized') {
    return { kind: 'refused', text: `authorizer: ${message}: ${String(line.reason)} (${String(line.code)})`, data: { functionName, connectionId: line.connectionId, code: line.code, reason: line.reason } };
  }
  return undefined;
}
