import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalDynamoDb } from '../dynamodb/local-dynamodb';
import { readBody } from '../http/read-body';
import { replyContentType, sendError, sendJson } from './json-reply';
import { AwsServiceError, type AwsEndpointAware, type AwsJsonService } from './types';

/** Options of `startAwsEndpoint`. */
export interface AwsEndpointOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port; `0` picks a free one. */
  readonly port: number;
  /** JSON-protocol services, routed by their `X-Amz-Target` prefix (`AWSEvents`, `AmazonSQS`, …). */
  readonly services: readonly AwsJsonService[];
  /** DynamoDB (`DynamoDB_20120810.*`); absent means DynamoDB targets are unknown operations. */
  readonly dynamodb?: LocalDynamoDb;
  /** One readable line per request (operation, status, time; never payloads). @default no logging */
  readonly log?: (line: string) => void;
  /** Largest request body accepted (bytes). @default 16 MiB (dynalite's limit) */
  readonly maxBodyBytes?: number;
}

/** A running AWS endpoint. */
export interface AwsEndpoint {
  /** Base URL, e.g. `http://127.0.0.1:3002`: give it to clients as `AWS_ENDPOINT_URL`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and closes the open ones. Does not stop the services. */
  stop(): Promise<void>;
}

const DYNAMODB_TARGET = 'DynamoDB_20120810';

/**
 * Starts the local AWS endpoint: one HTTP server that speaks AWS's JSON protocols, dispatching each POST by
 * its `X-Amz-Target` header to dynalite (DynamoDB) or to the matching `AwsJsonService`. Signatures are not
 * verified; unsigned requests are accepted. `GET /` answers `{"ok":true}` (health).
 */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const byPrefix = new Map<string, AwsJsonService>();
  for (const service of options.services) {
    if (byPrefix.has(service.targetPrefix) || service.targetPrefix === DYNAMODB_TARGET) {
      throw new Error(`Two services answer the X-Amz-Target prefix ${service.targetPrefix}`);
    }
    byPrefix.set(service.targetPrefix, service);
  }

  const server: Server = createServer((req, res) => {
    const started = Date.now();
    res.once('finish', () => {
      const target = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`);
      log(`${target} ${res.statusCode} ${Date.now() - started}ms`);
    });
    void route(req, res).catch((err) => {
      if (!res.headersSent) {
        sendError(res, replyContentType(req.headers['content-type']), new AwsServiceError('InternalFailure', (err as Error).message, 500));
      } else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = replyContentType(req.headers['content-type']);
    if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?') || req.url === '/health')) {
      req.resume();
      return sendJson(res, 200, 'application/json', { ok: true });
    }
    const { data: body, tooLarge } = await readBody(req, maxBody);
    if (tooLarge) {
      return sendError(res, contentType, new AwsServiceError('RequestEntityTooLarge', `Request body is larger than ${maxBody} bytes`, 413));
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const dot = target.indexOf('.');
    const prefix = dot > 0 ? target.slice(0, dot) : '';
    const operation = dot > 0 ? target.slice(dot + 1) : '';
    if (req.method !== 'POST' || !operation) {
      return sendError(res, contentType, new AwsServiceError('UnknownOperationException', `No operation for ${req.method} ${req.url} (X-Amz-Target '${target}')`, 400));
    }
    if (prefix === DYNAMODB_TARGET && options.dynamodb) {
      return options.dynamodb.handle(req, res, body);
    }
    const service = byPrefix.get(prefix);
    if (!service) {
      return sendError(res, contentType, new AwsServiceError('UnknownOperationException', `Unknown X-Amz-Target ${target}`, 400));
    }
    let input: Record<string, unknown>;
    try {
      const parsed = body.length ? (JSON.parse(body.toString('utf8')) as unknown) : {};
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return sendError(res, contentType, new AwsServiceError('SerializationException', 'The request body is not a JSON object', 400));
    }
    try {
      const result = await service.handle(operation, input);
      return sendJson(res, 200, contentType, result ?? {});
    } catch (err) {
      if (err instanceof AwsServiceError) return sendError(res, contentType, err);
      log(`${target} failed: ${(err as Error).stack ?? String(err)}`);
      return sendError(res, contentType, new AwsServiceError('InternalFailure', 'The request processing has failed because of an unknown error.', 500));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  for (const service of options.services) {
    const aware = service as Partial<AwsEndpointAware>;
    if (typeof aware.setEndpointUrl === 'function') aware.setEndpointUrl(url);
  }
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
