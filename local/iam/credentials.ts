import { createHash } from 'node:crypto';

/**
 * The access key id a local function signs its AWS calls with: `ASIA` (temporary credentials, as Lambda's
 * execution role gives) and 16 characters derived from the function name, so each function is identifiable.
 */
export function functionAccessKeyId(functionName: string): string {
  return `ASIA${createHash('sha256').update(functionName).digest('hex').slice(0, 16).toUpperCase()}`;
}

/**
 * The access key id of a SigV4-signed request: the first part of the `Credential=` of its `Authorization`
 * header (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, …`), or of the
 * `X-Amz-Credential` query parameter of a presigned URL. `undefined` when the request is not signed.
 */
export function accessKeyIdOf(authorization: string | undefined, url = ''): string | undefined {
  const header = /Credential=([^/,\s]+)\//.exec(authorization ?? '');
  if (header) return header[1];
  const query = /[?&]X-Amz-Credential=([^&%/]+)(?:%2F|\/)/i.exec(url);
  return query ? decodeURIComponent(query[1]) : undefined;
}
