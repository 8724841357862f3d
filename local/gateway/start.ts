import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CloudEventSink } from '../console/event-hub';
import type { BoundPort } from '../http/bound-port';
import type { RunningLambda } from '../lambda-runtime/start';
import type { LocalService } from '../service/local-service';
import { startGateway } from './gateway';
import type { GatewayConnectionInfo, GatewayFaults, GatewayLimits, ManagementAuthorizer } from './types';

/** A WebSocket API stage whose integrations are functions (the template reader's `WebSocketApiModel` is one). */
export interface WebSocketApiDefinition {
  readonly apiId: string;
  readonly stage: string;
  readonly routeSelectionExpression: string;
  readonly routes: readonly {
    readonly routeKey: string;
    readonly functionName: string;
    readonly returnResponse: boolean;
    /** A REQUEST authorizer (on `$connect`). */
    readonly authorizer?: { readonly functionName: string; readonly identitySources: readonly string[] };
  }[];
}

/** What the WebSocket API needs besides its model. */
export interface WebSocketApiDeps {
  /** The gateway's port, bound before the model was read. */
  readonly port: BoundPort;
  /** Routes and the authorizer are functions, invoked synchronously. */
  readonly lambda: Pick<RunningLambda, 'invoke'>;
  /** API Gateway's limits and timers, scaled for tests. */
  readonly limits?: Partial<GatewayLimits>;
  readonly faults?: GatewayFaults;
  /** Serves other requests on the port (the page); returns true if it answered. */
  readonly requestHandler?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** IAM's check of management-API calls. @default every caller is allowed */
  readonly authorizeManagement?: ManagementAuthorizer;
  /** Takes other WebSocket upgrades on the port (the console's socket); returns true if it took it. */
  readonly upgradeHandler?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Where connects, refusals, frames, posts and disconnects are reported. @default none */
  readonly events?: CloudEventSink;
  readonly log: (line: string) => void;
  /** Also log every frame's route (routine). @default true */
  readonly logFrames?: boolean;
}

/** The running WebSocket API stage and its management API. */
export interface RunningWebSocketApi extends LocalService<{ readonly webSocket: string; readonly callback: string }> {
  /** Open connections now. */
  connections(): number;
  /** The open connections. */
  list(): GatewayConnectionInfo[];
}

/** Starts the WebSocket API of the model: its stage, routes and authorizer, integrated with the stack's functions. */
export async function startWebSocketApi(api: WebSocketApiDefinition, deps: WebSocketApiDeps): Promise<RunningWebSocketApi> {
  // A function error as API Gateway sees it: its type and its message (an authorizer's "Unauthorized" is a 401).
  const integration = (name: string) => async (event: unknown) => {
    const r = await deps.lambda.invoke(name, event);
    if (!r.ok) throw Object.assign(new Error(r.errorMessage), { name: r.errorType });
    return r.result;
  };
  const connectRoute = api.routes.find((r) => r.routeKey === '$connect');
  const gateway = await startGateway({
    port: deps.port,
    stage: api.stage,
    apiId: api.apiId,
    routeSelectionExpression: api.routeSelectionExpression,
    routes: Object.fromEntries(api.routes.map((r) => [r.routeKey, { invoke: integration(r.functionName), returnResponse: r.returnResponse, name: r.functionName }])),
    authorizer: connectRoute?.authorizer && {
      identitySources: [...connectRoute.authorizer.identitySources],
      invoke: integration(connectRoute.authorizer.functionName),
      name: connectRoute.authorizer.functionName,
    },
    limits: Object.fromEntries(Object.entries(deps.limits ?? {}).filter(([, v]) => v !== undefined)),
    faults: deps.faults,
    requestHandler: deps.requestHandler,
    authorizeManagement: deps.authorizeManagement,
    upgradeHandler: deps.upgradeHandler,
    events: deps.events,
    log: deps.log,
    logFrames: deps.logFrames,
  });
  return {
    urls: { webSocket: gateway.url, callback: gateway.callbackUrl },
    connections: () => gateway.connections(),
    list: () => gateway.list(),
    stop: () => gateway.stop(),
  };
}
