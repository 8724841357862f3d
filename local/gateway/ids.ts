import { randomBytes } from 'node:crypto';

/**
 * A fresh id in API Gateway's style, used for connection, request and message ids: 11 random bytes in
 * base64 with the URL-safe alphabet and its padding, 16 characters (e.g. `R1kmxc2VNjMCFIA=`,
 * `JC1dgf9yoAMCK-g=`).
 */
export function awsStyleId(): string {
  return randomBytes(11).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** An X-Ray trace header value as API Gateway adds it: `Root=1-<epoch seconds hex>-<96 random bits hex>`. */
export function traceId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')}`;
}
