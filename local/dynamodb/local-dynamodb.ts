import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { crc32 } from 'node:zlib';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { AwsServiceError, LOCAL_REGION, sendError, type AwsRawService } from '../aws-wire';
import { LocalDynamoDbError } from './errors';
import { cacheExpressionParses } from './expression-cache';
import { TtlRegistry } from './ttl-registry';
import { sweepExpiredItems } from './ttl-sweeper';
import { DYNAMODB_CONTENT_TYPE, DYNAMODB_TARGET_PREFIX } from '../../shared/dynamodb-wire';

// dynalite ships no type declarations: it is a factory of an http.Server whose 'request' listener is the API.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

/** Options of `LocalDynamoDb`. */
export interface LocalDynamoDbOptions {
  /** Directory of a LevelDB store that survives restarts. @default in memory */
  readonly path?: string;
  /** How often expired items are deleted (DynamoDB does it in the background, eventually). @default 10000 */
  readonly ttlSweepIntervalMs?: number;
  /** Milliseconds a table stays CREATING/DELETING/UPDATING (dynalite's own default is 500). @default 0 */
  readonly tableStateMs?: number;
  /** Readable log lines (never payloads). @default no logging */
  readonly log?: (line: string) => void;
  /** Clock in epoch milliseconds (tests). @default Date.now */
  readonly now?: () => number;
}

/** `CreateTable` input plus the CloudFormation-style `TimeToLiveSpecification` of `AWS::DynamoDB::Table`. */
export type LocalCreateTableInput = CreateTableCommandInput & {
  TimeToLiveSpecification?: { AttributeName?: string; Enabled?: boolean };
};

/** How long `stop` waits for the requests under way. */
const STOP_DRAIN_MS = 5000;
const RESOURCE_NOT_FOUND = 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException';
const VALIDATION = 'com.amazon.coral.validate#ValidationException';

/**
 * DynamoDB for the local cloud: dynalite (a real DynamoDB implementation on LevelDB, in memory by default)
 * plus what dynalite lacks: `UpdateTimeToLive` / `DescribeTimeToLive` and the background deletion of
 * expired items. Requests reach it through the AWS endpoint (`handle`); dynalite also listens on a private
 * loopback port that the helpers (`createTable`, the TTL sweeper) use.
 */
export class LocalDynamoDb implements AwsRawService {
  readonly targetPrefix = DYNAMODB_TARGET_PREFIX;
  private server?: Server;
  private listener?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Requests handed to dynalite and not answered yet; `stop` waits for them. */
  private inFlight = 0;
  private drained?: () => void;
  private stopping = false;
  private client?: DynamoDBClient;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;
  private readonly ttl: TtlRegistry;
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly options: LocalDynamoDbOptions = {}) {
    this.ttl = new TtlRegistry(options.path);
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  /** Starts dynalite and the TTL sweeper. */
  async start(): Promise<void> {
    if (this.server) throw new LocalDynamoDbError('AlreadyStarted', 'LocalDynamoDb is already started');
    this.stopping = false;
    cacheExpressionParses();
    const stateMs = this.options.tableStateMs ?? 0;
    const server = dynalite({ path: this.options.path, createTableMs: stateMs, deleteTableMs: stateMs, updateTableMs: stateMs });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.listener = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
    const { port } = server.address() as AddressInfo;
    this.client = new DynamoDBClient({
      region: LOCAL_REGION,
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await this.ttl.load();
    const interval = this.options.ttlSweepIntervalMs ?? 10_000;
    this.sweepTimer = setInterval(() => void this.sweepNow().catch((err) => this.log(`TTL sweep failed: ${(err as Error).message}`)), interval);
    this.sweepTimer.unref();
    this.log(`DynamoDB (dynalite) ${this.options.path ? `persisted in ${this.options.path}` : 'in memory'}`);
  }

  /**
   * Stops the sweeper and dynalite (closing its store), after the requests under way have been answered
   * (at most {@link STOP_DRAIN_MS}): dynalite throws if its store closes under a request. Requests that
   * arrive meanwhile are answered 503 ServiceUnavailable, which the SDK retries and gives up on.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_DRAIN_MS);
        this.drained = () => { clearTimeout(timer); resolve(); };
      });
    }
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.sweeping?.catch(() => undefined);
    this.client?.destroy();
    this.client = undefined;
    const server = this.server;
    this.server = undefined;
    this.listener = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** URL of dynalite's private listener (for tools that want to bypass the AWS endpoint). */
  get internalEndpoint(): string {
    const address = this.requireServer().address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /**
   * Answers one DynamoDB JSON request whose body was already read: the TTL operations here, everything else
   * by dynalite. A request without an `Authorization` header is accepted (a dummy one is supplied).
   */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    if (this.stopping) {
      sendError(res, DYNAMODB_CONTENT_TYPE, new AwsServiceError('com.amazonaws.dynamodb.v20120810#ServiceUnavailableException', 'The local DynamoDB is stopping', 503));
      return;
    }
    const listener = this.requireListener();
    this.inFlight++;
    res.once('close', () => {
      if (--this.inFlight === 0) this.drained?.();
    });
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (operation === 'UpdateTimeToLive' || operation === 'DescribeTimeToLive') {
      void this.answerTtl(operation, body, res);
      return;
    }
    if (operation === 'DeleteTable') {
      const table = safeJson(body)?.TableName;
      res.once('finish', () => {
        if (res.statusCode === 200 && typeof table === 'string') void this.ttl.delete(table);
      });
    }
    // dynalite reads a request through its 'data' and 'end' events only: the body already read is replayed at
    // once, without a stream (and a throw of dynalite's lands in the endpoint's catch, not in a later tick).
    const forwarded = Object.assign(new EventEmitter(), {
      headers: { ...req.headers },
      method: req.method,
      url: req.url,
      httpVersion: req.httpVersion,
      socket: req.socket,
    });
    if (!forwarded.headers.authorization && !String(req.url ?? '').includes('X-Amz-Algorithm')) {
      forwarded.headers.authorization =
        `AWS4-HMAC-SHA256 Credential=local/20200101/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`;
      if (!forwarded.headers['x-amz-date'] && !forwarded.headers.date) forwarded.headers['x-amz-date'] = '20200101T000000Z';
    }
    listener(forwarded as unknown as IncomingMessage, res);
    if (body.length > 0) forwarded.emit('data', body);
    forwarded.emit('end');
  }

  /**
   * Creates a table (waiting until it is ACTIVE) and applies its `TimeToLiveSpecification`. A table that already
   * exists (a persisted store) is kept as it is; its TTL setting is still applied.
   */
  async createTable(input: LocalCreateTableInput): Promise<void> {
    const client = this.requireClient();
    const { TimeToLiveSpecification: ttl, ...createInput } = input;
    try {
      await client.send(new CreateTableCommand(createInput));
      this.log(`DynamoDB table ${input.TableName} created`);
    } catch (err) {
      if ((err as { name?: string }).name !== 'ResourceInUseException') {
        throw new LocalDynamoDbError('CreateTableFailed', `Could not create table ${input.TableName}: ${(err as Error).message}`, { cause: err });
      }
    }
    await this.waitActive(input.TableName!);
    if (ttl?.AttributeName && ttl.Enabled !== false) {
      await this.ttl.set(input.TableName!, { attributeName: ttl.AttributeName, enabled: true });
    }
  }

  /** The TTL setting of a table as `DescribeTimeToLive` would answer it. */
  describeTimeToLive(table: string): { TimeToLiveStatus: 'ENABLED' | 'DISABLED'; AttributeName?: string } {
    const setting = this.ttl.get(table);
    return setting?.enabled ? { TimeToLiveStatus: 'ENABLED', AttributeName: setting.attributeName } : { TimeToLiveStatus: 'DISABLED' };
  }

  /** Runs one TTL pass now (the background sweeper calls it on its interval). @returns items deleted. */
  sweepNow(): Promise<number> {
    if (this.sweeping) return this.sweeping;
    const run = sweepExpiredItems(this.requireClient(), this.ttl, Math.floor(this.now() / 1000))
      .then((n) => {
        if (n > 0) this.log(`DynamoDB TTL deleted ${n} expired item(s)`);
        return n;
      })
      .finally(() => {
        this.sweeping = undefined;
      });
    this.sweeping = run;
    return run;
  }

  private async waitActive(table: string): Promise<void> {
    const client = this.requireClient();
    for (let i = 0; i < 200; i++) {
      const d = await client.send(new DescribeTableCommand({ TableName: table }));
      const indexesActive = (d.Table?.GlobalSecondaryIndexes ?? []).every((ix) => ix.IndexStatus === 'ACTIVE');
      if (d.Table?.TableStatus === 'ACTIVE' && indexesActive) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new LocalDynamoDbError('TableNotActive', `Table ${table} did not become ACTIVE`);
  }

  private async answerTtl(operation: string, body: Buffer, res: ServerResponse): Promise<void> {
    const input = safeJson(body);
    const contentType = 'application/x-amz-json-1.0';
    const send = (status: number, payload: unknown) => {
      const text = JSON.stringify(payload);
      res.statusCode = status;
      res.setHeader('Content-Type', contentType);
      res.setHeader('x-amz-crc32', String(crc32(text)));
      res.setHeader('Content-Length', Buffer.byteLength(text));
      res.end(text);
    };
    try {
      const table = input?.TableName;
      if (typeof table !== 'string' || table.length < 3) {
        return send(400, { __type: VALIDATION, message: `1 validation error detected: Value '${String(table)}' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3` });
      }
      try {
        await this.requireClient().send(new DescribeTableCommand({ TableName: table }));
      } catch (err) {
        if ((err as { name?: string }).name === 'ResourceNotFoundException') {
          return send(400, { __type: RESOURCE_NOT_FOUND, message: 'Requested resource not found' });
        }
        throw err;
      }
      if (operation === 'DescribeTimeToLive') return send(200, { TimeToLiveDescription: this.describeTimeToLive(table) });
      const spec = input?.TimeToLiveSpecification as { AttributeName?: unknown; Enabled?: unknown } | undefined;
      if (!spec || typeof spec.AttributeName !== 'string' || spec.AttributeName.length === 0 || typeof spec.Enabled !== 'boolean') {
        return send(400, { __type: VALIDATION, message: 'TimeToLiveSpecification needs an AttributeName (1-255 characters) and Enabled (boolean)' });
      }
      const current = this.ttl.get(table);
      if (spec.Enabled && current?.enabled) {
        return send(400, { __type: VALIDATION, message: 'TimeToLive is already enabled' });
      }
      if (!spec.Enabled && !current?.enabled) {
        return send(400, { __type: VALIDATION, message: 'TimeToLive is already disabled' });
      }
      await this.ttl.set(table, { attributeName: spec.AttributeName, enabled: spec.Enabled });
      this.log(`DynamoDB TTL ${spec.Enabled ? 'enabled' : 'disabled'} on ${table} (${spec.AttributeName})`);
      return send(200, { TimeToLiveSpecification: { AttributeName: spec.AttributeName, Enabled: spec.Enabled } });
    } catch (err) {
      return send(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: (err as Error).message });
    }
  }

  private requireServer(): Server {
    if (!this.server) throw new LocalDynamoDbError('NotStarted', 'LocalDynamoDb is not started');
    return this.server;
  }

  private requireListener(): (req: IncomingMessage, res: ServerResponse) => void {
    this.requireServer();
    return this.listener!;
  }

  private requireClient(): DynamoDBClient {
    if (!this.client) throw new LocalDynamoDbError('NotStarted', 'LocalDynamoDb is not started');
    return this.client;
  }
}

function safeJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
