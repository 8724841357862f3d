import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer of the stub. */
export interface StubAnswer {
  readonly status: number;
  /** `x-amzn-ErrorType`, as API Gateway sends it (e.g. `GoneException`). */
  readonly errorType?: string;
}

/**
 * A loopback HTTP server answering `POST /<stage>/@connections/{id}` like API Gateway's management API.
 * Each connection id may be given a queue of answers (consumed one per request, then 200).
 */
export interface ManagementApiStub {
  /** `http://127.0.0.1:<port>/<stage>`: what CALLBACK_URL is set to. */
  readonly callbackUrl: string;
  /** Every request received, in order (including failed ones). */
  readonly requests: Array<{ connectionId: string; status: number; body: string }>;
  /** Scripts the next answers for one connection id. */
  program(connectionId: string, answers: StubAnswer[]): void;
  /** Bodies of the posts answered 200, per connection id. */
  delivered(): Map<string, string[]>;
  reset(): void;
  /** Most requests seen in flight at once. */
  readonly maxInFlight: number;
  stop(): Promise<void>;
}

export const gone: StubAnswer = { status: 410, errorType: 'GoneException' };
export const throttled: StubAnswer = { status: 429, errorType: 'LimitExceededException' };
export const serverError: StubAnswer = { status: 500 };

export async function startManagementApiStub(stage: string): Promise<ManagementApiStub> {
  const scripts = new Map<string, StubAnswer[]>();
  const requests: Array<{ connectionId: string; status: number; body: string }> = [];
  const prefix = `/${stage}/@connections/`;
  let inFlight = 0;
  let maxInFlight = 0;

  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const finish = (status: number, headers: Record<string, string> = {}, body = '') => {
        inFlight--;
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
        res.end(body);
      };
      if (req.method !== 'POST' || !url.startsWith(prefix)) {
        finish(404, { 'x-amzn-ErrorType': 'NotFoundException' }, '{"message":"not found"}');
        return;
      }
      const connectionId = decodeURIComponent(url.slice(prefix.length));
      const answer = scripts.get(connectionId)?.shift() ?? { status: 200 };
      requests.push({ connectionId, status: answer.status, body: Buffer.concat(chunks).toString('utf8') });
      if (answer.status === 200) finish(200);
      else finish(answer.status, answer.errorType ? { 'x-amzn-ErrorType': answer.errorType } : {}, '{"message":null}');
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    callbackUrl: `http://127.0.0.1:${port}/${stage}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    program(connectionId, answers) {
      scripts.set(connectionId, [...answers]);
    },
    delivered() {
      const map = new Map<string, string[]>();
      for (const r of requests) if (r.status === 200) map.set(r.connectionId, [...(map.get(r.connectionId) ?? []), r.body]);
      return map;
    },
    reset() {
      requests.length = 0;
      scripts.clear();
      maxInFlight = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
