import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CloudEventSink } from '../console/event-hub';
import type { BoundPort } from '../http/bound-port';

/** Decides whether a signed management-API call may run; returns AWS's denial message when it may not. */
export type ManagementAuthorizer = (request: { readonly authorization?: string; readonly method: string; readonly connectionId: string }) => string | undefined;

/** A route's integration: what API Gateway invokes (locally, a Lambda in a worker thread). */
export interface RouteIntegration {
  /** Invokes the integration with an API Gateway event; resolves with the Lambda's result, rejects on a function error. */
  invoke(event: unknown): Promise<unknown>;
  /**
   * The route has a route response (two-way route): the integration result's `body` is sent back to the
   * client as a text frame. Ignored for `$connect` and `$disconnect`.
   * @default false
   */
  returnResponse?: boolean;
  /** Name shown in the log for this integration (e.g. the function's logical id). */
  name?: string;
}

/** A Lambda REQUEST authorizer on `$connect`. */
export interface GatewayAuthorizer {
  /**
   * Identity sources, as in `AWS::ApiGatewayV2::Authorizer.IdentitySource`: `route.request.header.<Name>`,
   * `route.request.querystring.<name>` (the `$request.header.<Name>` spelling is accepted too). When one
   * is missing or empty the client gets `401` and the authorizer is not called.
   */
  identitySources: string[];
  /** Invokes the authorizer with the REQUEST authorizer event; resolves with its policy response. */
  invoke(event: unknown): Promise<unknown>;
  /** Name shown in the log. */
  name?: string;
}

/** API Gateway's limits, all scalable for tests. Defaults come from `shared/limits.ts`. */
export interface GatewayLimits {
  /** Close an idle connection (no data frame from the client, nothing sent to it) after this long, with 1001. */
  idleTimeoutMs: number;
  /** Close every connection this long after it was connected, with 1001. */
  maxConnectionMs: number;
  /** Largest message (all frames of it) a client may send, and largest management-API post. */
  maxMessageBytes: number;
  /** Largest single frame a client may send; outbound messages are fragmented at this size. */
  maxFrameBytes: number;
  /** Integration timeout (API Gateway: 29 s). */
  integrationTimeoutMs: number;
  /** Bytes waiting in a connection's send buffer beyond which a post answers 429 `LimitExceededException`. */
  maxBufferedBytes: number;
  /** How long `stop()` waits for the `$disconnect` integrations it triggers. */
  stopTimeoutMs: number;
}

/**
 * Fault injection, for tests and benchmarks (`npm start -- --fault-rate 0.3 --post-latency 20ms
 * --drop-disconnect 0.3`). Every field defaults to no fault.
 */
export interface GatewayFaults {
  /** Fraction (0 to 1) of management-API calls answered `429 LimitExceededException`. @default 0 */
  readonly throttleRate?: number;
  /** Fraction (0 to 1) of management-API calls answered `500 InternalServerErrorException`. @default 0 */
  readonly errorRate?: number;
  /** ms added to every management-API call before it is served (the real API's round trip). @default 0 */
  readonly postLatencyMs?: number;
  /** Fraction (0 to 1) of `$disconnect` integrations not invoked (AWS delivers them best-effort). @default 0 */
  readonly dropDisconnectRate?: number;
  /**
   * ms the gateway waits after `$connect` accepted a connection before completing its handshake (a slow
   * handshake on AWS: cold starts of the authorizer and `$connect`). Meanwhile the management API answers
   * 410 for the connection, as API Gateway does. @default 0
   */
  readonly connectDelayMs?: number;
  /** Seed of the fault generator: the same seed gives the same faults in the same order. @default random */
  readonly seed?: number;
}

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** Interface to listen on when `port` is a number. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on (`0` picks a free one), or a port already bound with `bindPort`. */
  port: number | BoundPort;
  /** Stage name; clients connect on `/` or `/<stage>`, the management API is under `/<stage>/@connections`. */
  stage: string;
  /** API id, used in events (`apiId`, and the default `domainName`) and in the authorizer's `methodArn`. */
  apiId: string;
  /** Route selection expression, e.g. `$request.body.action`. */
  routeSelectionExpression: string;
  /** Routes by route key: `$connect`, `$disconnect`, `$default` and custom keys. */
  routes: Record<string, RouteIntegration>;
  /** A Lambda REQUEST authorizer on `$connect`. */
  authorizer?: GatewayAuthorizer;
  /** Overrides of API Gateway's limits. */
  limits?: Partial<GatewayLimits>;
  /** Fault injection (errors and latency of the management API, dropped `$disconnect`s). @default none */
  faults?: GatewayFaults;
  /** Serves other HTTP requests on the same port (e.g. a web page); returns true if it answered. */
  requestHandler?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** IAM's check of management-API calls (`execute-api:ManageConnections`). @default every caller is allowed */
  authorizeManagement?: ManagementAuthorizer;
  /** Takes other WebSocket upgrades on the port (the console's own socket); returns true if it took it. */
  upgradeHandler?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Where connects, refusals, frames, posts and disconnects are reported (the console). @default none */
  events?: CloudEventSink;
  /** Receives one readable line per event (never bodies or tokens). @default no logging */
  log?: (line: string) => void;
  /** Also a line for every frame routed to its integration (routine; errors are always logged). @default true */
  logFrames?: boolean;
  /** Region in `methodArn` and the default `domainName`. @default LOCAL_REGION ('us-east-1') */
  region?: string;
  /** Account in `methodArn`. @default LOCAL_ACCOUNT ('000000000000') */
  accountId?: string;
  /** `requestContext.domainName` of events. @default `<apiId>.execute-api.<region>.amazonaws.com` */
  domainName?: string;
}

/** An open connection as the gateway knows it (the console shows it). */
export interface GatewayConnectionInfo {
  readonly connectionId: string;
  /** The authorizer's `principalId`, if an authorizer allowed the connection. */
  readonly principalId?: string;
  /** The handshake's `Origin` header. */
  readonly origin?: string;
  readonly sourceIp: string;
  /** Epoch ms. */
  readonly connectedAt: number;
  /** Epoch ms of the last frame from or to the client. */
  readonly lastActiveAt: number;
}

/** A running gateway. */
export interface Gateway {
  /** WebSocket URL clients connect to: `ws://host:port/<stage>`. */
  readonly url: string;
  /** Management API endpoint (the SDK's `endpoint`): `http://host:port/<stage>`. */
  readonly callbackUrl: string;
  /** The port listened on. */
  readonly port: number;
  /** Number of open (established) connections. */
  connections(): number;
  /** The open connections. */
  list(): GatewayConnectionInfo[];
  /** Closes every connection (running `$disconnect` for each, awaited with a bound), then the server. */
  stop(): Promise<void>;
}
