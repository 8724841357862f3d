import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, replyContentType, sendError, sendJson, type AwsJsonService, type AwsRawService } from '../aws-wire';
import { portOf, type BoundPort } from '../http/bound-port';
import { readBody } from '../http/read-body';
import type { LocalService } from '../service/local-service';

/** Options of `startAwsEndpoint`. */
export interface AwsEndpointOptions {
  /** Interface to listen on when `port` is a number. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on (`0` picks a free one), or a port already bound with `bindPort`. */
  readonly port: number | BoundPort;
  /** JSON-protocol services, routed by their `X-Amz-Target` prefix (`AWSEvents`, `AmazonSQS`, …). */
  readonly services: readonly AwsJsonService[];
  /** DynamoDB (`DynamoDB_20120810.*`), answered by the service itself; absent means DynamoDB targets are unknown operations. */
  readonly dynamodb?: AwsRawService;
  /** One readable line per request (operation, status, time; never payloads). @default no logging */
  readonly log?: (line: string) => void;
  /** Largest request body accepted (bytes). @default 16 MiB (dynalite's limit) */
  readonly maxBodyBytes?: number;
  /** Checks each request before its service runs it (IAM); an error is answered instead. @default every request is allowed */
  readonly authorize?: (request: AwsRequest) => AwsServiceError | undefined;
}

/** A request as the endpoint's `authorize` sees it. */
export interface AwsRequest {
  /** The `Authorization` header (SigV4), if any. */
  readonly authorization?: string;
  /** The `X-Amz-Target` prefix and operation, e.g. `AmazonSQS` and `SendMessage`. */
  readonly targetPrefix: string;
  readonly operation: string;
  /** The parsed JSON body (`{}` when it is not a JSON object: the service answers that itself). */
  readonly input: Record<string, unknown>;
}

/** A running AWS endpoint. `stop()` stops accepting connections and closes the open ones, not the services. */
export interface AwsEndpoint extends LocalService<{ readonly aws: string }> {
  /** Base URL, e.g. `http://127.0.0.1:3002`: give it to clients as `AWS_ENDPOINT_URL`. */
  readonly url: string;
  readonly port: number;
}

interface Router {
  readonly byPrefix: ReadonlyMap<string, AwsJsonService>;
  readonly dynamodb?: AwsRawService;
  readonly maxBody: number;
  readonly log: (line: string) => void;
  readonly authorize?: (request: AwsRequest) => AwsServiceError | undefined;
}

/**
 * Starts the local AWS endpoint: one HTTP server that speaks AWS's JSON protocols, dispatching each POST by
 * its `X-Amz-Target` header to DynamoDB or to the matching `AwsJsonService`. Signatures are not verified;
 * unsigned requests are accepted. `GET /` answers `{"ok":true}` (health).
 */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const byPrefix = new Map<string, AwsJsonService>();
  for (const service of options.services) {
    if (byPrefix.has(service.targetPrefix) || service.targetPrefix === options.dynamodb?.targetPrefix) {
      throw new Error(`Two services answer the X-Amz-Target prefix ${service.targetPrefix}`);
    }
    byPrefix.set(service.targetPrefix, service);
  }
  const router: Router = { byPrefix, dynamodb: options.dynamodb, maxBody: options.maxBodyBytes ?? 16 * 1024 * 1024, log: options.log ?? (() => undefined), authorize: options.authorize };
  const bound = await portOf(options.port, options.host ?? '127.0.0.1');
  bound.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    res.once('finish', () => {
      const target = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`);
      router.log(`${target} ${res.statusCode} ${Date.now() - started}ms`);
    });
    void route(router, req, res).catch((err) => {
      if (!res.headersSent) {
        sendError(res, replyContentType(req.headers['content-type']), new AwsServiceError('InternalFailure', (err as Error).message, 500));
      } else res.destroy();
    });
  });
  return { url: bound.url, port: bound.port, urls: { aws: bound.url }, stop: () => bound.close() };
}

async function route(router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const contentType = replyContentType(req.headers['content-type']);
  if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?') || req.url === '/health')) {
    req.resume();
    return sendJson(res, 200, 'application/json', { ok: true });
  }
  const { data: body, tooLarge } = await readBody(req, router.maxBody);
  if (tooLarge) {
    return sendError(res, contentType, new AwsServiceError('RequestEntityTooLarge', `Request body is larger than ${router.maxBody} bytes`, 413));
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  const dot = target.indexOf('.');
  const prefix = dot > 0 ? target.slice(0, dot) : '';
  const operation = dot > 0 ? target.slice(dot + 1) : '';
  if (req.method !== 'POST' || !operation) {
    return sendError(res, contentType, new AwsServiceError('UnknownOperationException', `No operation for ${req.method} ${req.url} (X-Amz-Target '${target}')`, 400));
  }
  const denied = router.authorize?.({ authorization: req.headers.authorization, targetPrefix: prefix, operation, input: jsonObjectOf(body) ?? {} });
  if (denied) return sendError(res, contentType, denied);
  if (router.dynamodb && prefix === router.dynamodb.targetPrefix) return router.dynamodb.handle(req, res, body);
  const service = router.byPrefix.get(prefix);
  if (!service) {
    return sendError(res, contentType, new AwsServiceError('UnknownOperationException', `Unknown X-Amz-Target ${target}`, 400));
  }
  return answerJson(router, service, operation, body, res, contentType, target);
}

async function answerJson(
  router: Router, service: AwsJsonService, operation: string, body: Buffer, res: ServerResponse, contentType: string, target: string,
): Promise<void> {
  const input = jsonObjectOf(body);
  if (!input) return sendError(res, contentType, new AwsServiceError('SerializationException', 'The request body is not a JSON object', 400));
  try {
    const result = await service.handle(operation, input);
    return sendJson(res, 200, contentType, result ?? {});
  } catch (err) {
    if (err instanceof AwsServiceError) return sendError(res, contentType, err);
    router.log(`${target} failed: ${(err as Error).stack ?? String(err)}`);
    return sendError(res, contentType, new AwsServiceError('InternalFailure', 'The request processing has failed because of an unknown error.', 500));
  }
}

/** The body as a JSON object (an empty body is `{}`), or `undefined` when it is not one. */
function jsonObjectOf(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed = body.length ? (JSON.parse(body.toString('utf8')) as unknown) : {};
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
