import type { IncomingMessage } from 'node:http';
import { traceId } from './ids';

/** What API Gateway keeps of the upgrade request: headers, query string and the caller's identity. */
export interface RequestInfo {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  /** Absent when the URL has no query string (as in AWS). */
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  sourceIp: string;
  /** `User-Agent` of the client, `null` when it sent none. */
  userAgent: string | null;
}

function addHeader(info: Pick<RequestInfo, 'headers' | 'multiValueHeaders'>, name: string, value: string): void {
  // Keep the first spelling of a name; the last value wins in `headers`, all are in `multiValueHeaders`.
  const existing = Object.keys(info.multiValueHeaders).find((k) => k.toLowerCase() === name.toLowerCase());
  const key = existing ?? name;
  info.headers[key] = value;
  (info.multiValueHeaders[key] ??= []).push(value);
}

/** The client's address without the IPv4-mapped IPv6 prefix. */
export function sourceIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/**
 * Reads the upgrade request the way API Gateway presents it to integrations: the client's headers with
 * their spelling, plus `X-Amzn-Trace-Id`, `X-Forwarded-For`, `X-Forwarded-Port` and `X-Forwarded-Proto`;
 * the query string in single- and multi-value forms.
 */
export function readRequestInfo(req: IncomingMessage, nowMs: number): RequestInfo {
  const info: RequestInfo = { headers: {}, multiValueHeaders: {}, sourceIp: sourceIpOf(req), userAgent: null };
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) addHeader(info, req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const has = (name: string) => Object.keys(info.headers).some((k) => k.toLowerCase() === name.toLowerCase());
  if (!has('X-Amzn-Trace-Id')) addHeader(info, 'X-Amzn-Trace-Id', traceId(nowMs));
  const forwarded = Object.keys(info.headers).find((k) => k.toLowerCase() === 'x-forwarded-for');
  if (forwarded) {
    info.headers[forwarded] = `${info.headers[forwarded]}, ${info.sourceIp}`;
    info.multiValueHeaders[forwarded] = [info.headers[forwarded]!];
  } else {
    addHeader(info, 'X-Forwarded-For', info.sourceIp);
  }
  if (!has('X-Forwarded-Port')) addHeader(info, 'X-Forwarded-Port', String(req.socket.localPort ?? ''));
  if (!has('X-Forwarded-Proto')) addHeader(info, 'X-Forwarded-Proto', 'http');
  const ua = req.headers['user-agent'];
  info.userAgent = typeof ua === 'string' ? ua : null;

  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (q >= 0 && q < url.length - 1) {
    const params = new URLSearchParams(url.slice(q + 1));
    const single: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    for (const [k, v] of params) {
      single[k] = v;
      (multi[k] ??= []).push(v);
    }
    info.queryStringParameters = single;
    info.multiValueQueryStringParameters = multi;
  }
  return info;
}

/** A header's value, by case-insensitive name. */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}
