import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AwsServiceError } from './service';

/** Content types of AWS's JSON protocols; the answer uses the request's. */
export const JSON_CONTENT_TYPES = ['application/x-amz-json-1.0', 'application/x-amz-json-1.1'] as const;

/** The request's JSON protocol content type, or `application/x-amz-json-1.1` when it sent something else. */
export function replyContentType(requestContentType: string | undefined): string {
  const ct = (requestContentType ?? '').split(';')[0].trim().toLowerCase();
  return (JSON_CONTENT_TYPES as readonly string[]).includes(ct) ? ct : 'application/x-amz-json-1.1';
}

/** Writes a JSON answer with a request id, as AWS does. */
export function sendJson(res: ServerResponse, status: number, contentType: string, payload: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(payload ?? {});
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  if (!res.hasHeader('x-amzn-RequestId')) res.setHeader('x-amzn-RequestId', randomUUID());
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(text);
}

/**
 * Writes an AWS JSON error: `{"__type": …, "message": …}` with `x-amzn-ErrorType` (the short code, without a
 * namespace) and, for query-compatible services, `x-amzn-query-error`.
 */
export function sendError(res: ServerResponse, contentType: string, error: AwsServiceError): void {
  const shortType = error.type.includes('#') ? error.type.slice(error.type.indexOf('#') + 1) : error.type;
  const headers: Record<string, string> = { 'x-amzn-ErrorType': shortType };
  if (error.details.queryError) headers['x-amzn-query-error'] = error.details.queryError;
  sendJson(res, error.statusCode, contentType, { __type: error.type, [error.details.messageField ?? 'message']: error.message }, headers);
}
