import { headerValue } from './request-info';

/** The JSON text frame API Gateway sends for a failed message, spelled as AWS spells it. */
export function errorFrame(message: string, connectionId: string, requestId: string): string {
  return `{"message": ${JSON.stringify(message)}, "connectionId":${JSON.stringify(connectionId)}, "requestId":${JSON.stringify(requestId)}}`;
}

/** The `statusCode` of a Lambda proxy result, if it has one. */
export function statusCodeOf(result: unknown): number | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const code = Number((result as Record<string, unknown>).statusCode);
  return Number.isInteger(code) && code >= 100 && code <= 599 ? code : undefined;
}

/** A header of a Lambda proxy result (`headers`, then `multiValueHeaders`), by case-insensitive name. */
export function resultHeader(result: unknown, name: string): string | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  if (r.headers && typeof r.headers === 'object') {
    const v = headerValue(r.headers as Record<string, string>, name);
    if (v !== undefined) return String(v);
  }
  if (r.multiValueHeaders && typeof r.multiValueHeaders === 'object') {
    const entry = Object.entries(r.multiValueHeaders as Record<string, unknown>).find(
      ([k]) => k.toLowerCase() === name.toLowerCase(),
    );
    if (entry && Array.isArray(entry[1]) && entry[1].length) return String(entry[1][0]);
  }
  return undefined;
}

/** The `body` of an integration result as the text a route response sends, if any. */
export function responseBody(result: unknown): string | undefined {
  if (result === null || typeof result !== 'object' || !('body' in result)) return undefined;
  const body = (result as Record<string, unknown>).body;
  if (body === undefined || body === null) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** The text of a thrown value, for the log. */
export const errorText = (e: unknown): string =>
  e instanceof Error ? (e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message) : String(e);
