import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayConnectionInfo } from '../gateway';
import type { LocalService } from '../service/local-service';
import type { RunningSqs } from '../sqs/start';
import type { StackModel } from '../template/model';
import { ConsoleActions } from './console-actions';
import { consoleHandler, CONSOLE_PATH } from './console-handler';
import { ConsoleState } from './console-state';
import type { CloudEventHub } from './event-hub';

/** What the console reads and drives: the other services, never a copy of their state. */
export interface ConsoleDeps {
  /** The gateway's URL (`http://host:port`); the console is served there. */
  readonly gatewayUrl: string;
  readonly stage: string;
  readonly hub: CloudEventHub;
  /** The gateway's open connections (the gateway starts after the console, so this is asked late). */
  connections(): GatewayConnectionInfo[];
  readonly dynamodbEndpoint: string;
  readonly sqs: Pick<RunningSqs, 'api' | 'sendMessage'>;
  putEvents(input: { Entries: Record<string, unknown>[] }): Promise<unknown>;
}

/** The running console: its handlers go on the gateway's port. */
export interface RunningConsole extends LocalService<{ readonly console: string }> {
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

/**
 * The queues that are dead-letter queues in the model: a queue's redrive target, a rule target's
 * dead-letter queue, a function's on-failure destination, or a queue a function is told is its
 * dead-letter queue (an environment variable naming it, as the push function's).
 */
export function deadLetterQueuesOf(model: Pick<StackModel, 'queues' | 'rules' | 'functions'>): string[] {
  const arns = new Set<string>([
    ...model.queues.flatMap((q) => (q.redrivePolicy ? [q.redrivePolicy.deadLetterTargetArn] : [])),
    ...model.rules.flatMap((r) => r.targets.flatMap((t) => (t.deadLetterArn ? [t.deadLetterArn] : []))),
    ...model.functions.flatMap((f) => (f.onFailureArn ? [f.onFailureArn] : [])),
  ]);
  return model.queues.filter((q) => arns.has(q.arn)).map((q) => q.name);
}

/** Starts the console on the gateway's port: `/_console` (page, state, actions) and `/_console/ws` (the stream). */
export function startConsole(model: StackModel, deps: ConsoleDeps): RunningConsole {
  const deadLetterQueues = deadLetterQueuesOf(model);
  const state = new ConsoleState({
    connections: deps.connections,
    dynamodbEndpoint: deps.dynamodbEndpoint,
    tables: model.tables.map((t) => t.name),
    deadLetterQueues,
    peek: (q) => deps.sqs.api.peek(q),
  });
  const actions = new ConsoleActions({
    putEvents: deps.putEvents,
    busName: model.buses[0] ?? 'default',
    peek: (q) => deps.sqs.api.peek(q),
    removeMessage: (q, id) => deps.sqs.api.removeMessage(q, id),
    sendMessage: (arn, body) => deps.sqs.sendMessage(arn, body),
  });
  const handler = consoleHandler({ stage: deps.stage, hub: deps.hub, state, actions });
  return {
    urls: { console: `${deps.gatewayUrl}${CONSOLE_PATH}` },
    handleRequest: handler.handleRequest,
    handleUpgrade: handler.handleUpgrade,
    stop: () => handler.stop(),
  };
}
