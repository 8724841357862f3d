import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws-wire/local-account';
import type { LocalCloud } from './local-cloud';
import { localStatePath } from './local-state';

/**
 * What a running local cloud writes to `.local-state/endpoints.json` in the project it runs, for scripts and
 * test suites: every URL and name, and the stack outputs resolved to local values in the shape of
 * `cdk deploy --outputs-file` (`outputs.<StackName>.<OutputKey>`).
 */
export interface LocalEndpoints {
  readonly status: 'running';
  /** The process of the local cloud. */
  readonly pid: number;
  readonly startedAt: string;
  readonly stackName: string;
  /** The WebSocket APIs of the stack, with their local URLs. */
  readonly webSocketApis: readonly {
    readonly logicalId: string;
    readonly name: string;
    readonly stage: string;
    /** `ws://host:port/<stage>` */
    readonly url: string;
    /** The management API (`@connections`), `http://host:port/<stage>`. */
    readonly managementUrl: string;
  }[];
  /** The local AppSync's GraphQL endpoint, `http://host:port/graphql` (stacks with a GraphQL API). */
  readonly graphqlUrl?: string;
  /** Its real-time endpoint, `ws://host:port/graphql/realtime`. */
  readonly realtimeUrl?: string;
  /** The value of the GraphQL API's local API key (for `x-api-key` and the real-time `header`). */
  readonly apiKey?: string;
  /** `AWS_ENDPOINT_URL` of DynamoDB, EventBridge and SQS. */
  readonly awsEndpoint: string;
  readonly region: string;
  readonly account: string;
  readonly pageUrl: string;
  readonly eventBuses: readonly string[];
  readonly tables: readonly string[];
  readonly queues: readonly string[];
  readonly outputs: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Where the endpoints file of the project in `projectDir` is. */
export function endpointsFilePath(projectDir: string): string {
  return localStatePath(projectDir, 'endpoints.json');
}

/** The endpoints file's content for a running cloud. The local cloud runs one WebSocket API, or an AppSync GraphQL API. */
export function localEndpoints(cloud: LocalCloud): LocalEndpoints {
  const m = cloud.model;
  return {
    status: 'running',
    pid: process.pid,
    startedAt: new Date().toISOString(),
    stackName: m.stackName,
    webSocketApis: m.apis.map((api) => ({ logicalId: api.logicalId, name: api.name, stage: api.stage, url: cloud.webSocketUrl, managementUrl: cloud.callbackUrl })),
    ...(cloud.appsync ? {
      graphqlUrl: cloud.appsync.graphqlUrl,
      realtimeUrl: cloud.appsync.realtimeUrl,
      ...(cloud.appsync.apiKey !== undefined ? { apiKey: cloud.appsync.apiKey } : {}),
    } : {}),
    awsEndpoint: cloud.awsEndpoint,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    pageUrl: cloud.pageUrl,
    eventBuses: [...m.buses],
    tables: m.tables.map((t) => t.name),
    queues: m.queues.map((q) => q.name),
    outputs: { [m.stackName]: { ...cloud.outputs } },
  };
}

/** Writes the endpoints file at once (renamed into place, so a reader never sees half of it). */
export function writeEndpointsFile(projectDir: string, cloud: LocalCloud): string {
  const file = endpointsFilePath(projectDir);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(localEndpoints(cloud), null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}

/** Removes the endpoints file this process wrote (not another's): the cloud is stopped or restarting. */
export function removeEndpointsFile(projectDir: string): void {
  const file = endpointsFilePath(projectDir);
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as LocalEndpoints).pid !== process.pid) return;
  } catch {
    return; // none, or not one of ours to remove
  }
  rmSync(file, { force: true });
}
