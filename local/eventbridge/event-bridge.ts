import { AwsJsonService, AwsServiceError, LOCAL_ACCOUNT } from '../aws-wire';
import type { CloudEventSink } from '../console/event-hub';
import { busArn, busNameOf, DEFAULT_BUS, ruleArn, targetLabel } from './arns';
import { DEFAULT_RETRY_POLICY, DeliveryCollaborators, RetryPolicy, TargetDispatcher } from './delivery';
import { InvalidEventPatternError } from './errors';
import { CompiledPattern, compilePattern, EventPattern, parsePattern } from './pattern';
import { acceptEntry, checkEntries, EventEnvelope } from './put-events';
import { inputTransformerProblem, parseInputPath, targetPayload, transformInput, type InputTransformer } from './target-input';
import { parseTestEvent } from './test-event';

/** A rule's target, as the template (or a test) describes it. */
export interface TargetDefinition {
  id: string;
  arn: string;
  retryPolicy?: { maximumRetryAttempts?: number; maximumEventAgeInSeconds?: number };
  deadLetterArn?: string;
  /** Constant JSON text delivered instead of the event. */
  input?: string;
  /** JSONPath of the part of the event to deliver (`$.detail`). */
  inputPath?: string;
  /** Named paths into the event and the template they fill. */
  inputTransformer?: InputTransformer;
  /** `RoleArn`: the role EventBridge calls the target as (AppSync targets). */
  roleArn?: string;
  /** `AppSyncParameters`: the GraphQL operation an AppSync target runs with the input as its variables. */
  appSyncParameters?: { graphQLOperation: string };
}

/**
 * A rule, as the template (or a test) describes it. `busName` defaults to `default`; `enabled` defaults to
 * true. The template model's `RuleModel` is one.
 */
export interface RuleDefinition {
  name: string;
  busName?: string;
  eventPattern: EventPattern | string;
  enabled?: boolean;
  description?: string;
  targets: TargetDefinition[];
}

/** Collaborators of the local EventBridge: delivery to targets and dead-letter queues, logging, clock. */
export interface EventBridgeCollaborators extends DeliveryCollaborators {
  /** Where every accepted entry is reported with the rules it matched and missed (the console). @default none */
  readonly events?: CloudEventSink;
}

interface StoredTarget {
  id: string;
  arn: string;
  retryPolicy: RetryPolicy;
  deadLetterArn?: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: InputTransformer;
  roleArn?: string;
  appSyncParameters?: { graphQLOperation: string };
}

interface StoredRule {
  name: string;
  busName: string;
  arn: string;
  pattern: CompiledPattern;
  patternText: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
  targets: StoredTarget[];
}

const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

function notFound(message: string): AwsServiceError {
  return new AwsServiceError('ResourceNotFoundException', message);
}

/** Pages a list with `Limit` and an opaque `NextToken` (the index to start from). */
function page<T>(items: T[], input: Record<string, unknown>): { items: T[]; nextToken?: string } {
  const limit = typeof input.Limit === 'number' && input.Limit > 0 ? Math.min(input.Limit, 100) : 100;
  let start = 0;
  if (input.NextToken !== undefined) {
    const decoded = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : NaN;
    if (!Number.isInteger(decoded) || decoded < 0) throw validation('The NextToken is not valid.');
    start = decoded;
  }
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return next ? { items: slice, nextToken: next } : { items: slice };
}

/**
 * The local EventBridge: event buses and rules (added from the template through `addBus` / `addRule`),
 * `PutEvents` with AWS's per-entry validation, rule matching with the full pattern language, and delivery to
 * targets in the background with retry policy and dead-letter queues. Speaks the `AWSEvents` JSON protocol
 * through `handle`.
 */
export class LocalEventBridge implements AwsJsonService {
  readonly targetPrefix = 'AWSEvents';
  private readonly buses = new Set<string>([DEFAULT_BUS]);
  /** Rules by bus, then by name. */
  private readonly rules = new Map<string, Map<string, StoredRule>>([[DEFAULT_BUS, new Map()]]);
  private readonly dispatcher: TargetDispatcher;
  private readonly now: () => number;

  constructor(private readonly deps: EventBridgeCollaborators) {
    this.dispatcher = new TargetDispatcher(deps);
    this.now = deps.now ?? Date.now;
  }

  /** Adds an event bus (idempotent; `default` always exists). */
  addBus(name: string): void {
    if (!BUS_NAME.test(name)) throw validation(`Event bus name "${name}" is not valid: 1 to 256 of letters, digits and /.-_`);
    this.buses.add(name);
    if (!this.rules.has(name)) this.rules.set(name, new Map());
  }

  /**
   * Adds (or replaces, like `PutRule` + `PutTargets`) a rule on an existing bus.
   * @throws AwsServiceError `InvalidEventPatternException`, `ResourceNotFoundException` (no such bus) or
   *   `ValidationException` (bad name or target).
   */
  addRule(rule: RuleDefinition): void {
    const busName = busNameOf(rule.busName ?? DEFAULT_BUS);
    if (busName === undefined || !this.buses.has(busName)) {
      throw notFound(`Event bus ${rule.busName} does not exist.`);
    }
    if (!RULE_NAME.test(rule.name)) throw validation(`Rule name "${rule.name}" is not valid: 1 to 64 of letters, digits and .-_`);
    let pattern: CompiledPattern;
    try {
      pattern = typeof rule.eventPattern === 'string' ? parsePattern(rule.eventPattern) : compilePattern(rule.eventPattern);
    } catch (error) {
      throw this.patternError(error);
    }
    const ids = new Set<string>();
    const targets = rule.targets.map((t) => {
      if (ids.has(t.id)) throw validation(`Rule ${rule.name} has two targets with id "${t.id}".`);
      ids.add(t.id);
      return this.storeTarget(rule.name, t);
    });
    const state = rule.enabled === false ? 'DISABLED' : 'ENABLED';
    this.rules.get(busName)!.set(rule.name, {
      name: rule.name,
      busName,
      arn: ruleArn(busName, rule.name),
      pattern,
      patternText: JSON.stringify(pattern.source),
      state,
      description: rule.description,
      targets,
    });
  }

  /** Resolves when every delivery started so far has finished (delivered, dead-lettered or dropped). */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  /** Cancels pending retries; events not yet delivered are not delivered. */
  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  /** Runs one `AWSEvents.<operation>`. */
  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'PutEvents': return this.putEvents(input);
      case 'TestEventPattern': return this.testEventPattern(input);
      case 'ListRules': return this.listRules(input);
      case 'DescribeRule': return this.describeRule(input);
      case 'ListTargetsByRule': return this.listTargetsByRule(input);
      case 'DescribeEventBus': return this.describeEventBus(input);
      case 'ListEventBuses': return this.listEventBuses(input);
      default:
        throw new AwsServiceError('UnknownOperationException', `Operation ${operation} is not supported by the local EventBridge.`);
    }
  }

  private storeTarget(ruleName: string, t: TargetDefinition): StoredTarget {
    if (!t.id || !t.arn) throw validation(`A target of rule ${ruleName} has no id or arn.`);
    if ([t.input, t.inputPath, t.inputTransformer].filter((x) => x !== undefined).length > 1) {
      throw validation(`Target ${t.id} of rule ${ruleName}: only one of Input, InputPath and InputTransformer may be set.`);
    }
    if (t.inputTransformer !== undefined) {
      const problem = inputTransformerProblem(t.inputTransformer);
      if (problem) throw validation(`Target ${t.id} of rule ${ruleName}: ${problem}.`);
    }
    if (t.input !== undefined) {
      try {
        JSON.parse(t.input);
      } catch {
        throw validation(`Target ${t.id} of rule ${ruleName}: Input is not valid JSON.`);
      }
    }
    if (t.inputPath !== undefined) {
      const steps = parseInputPath(t.inputPath);
      if (typeof steps === 'string') throw validation(`Target ${t.id} of rule ${ruleName}: ${steps}`);
    }
    const retryPolicy: RetryPolicy = {
      maximumRetryAttempts: t.retryPolicy?.maximumRetryAttempts ?? DEFAULT_RETRY_POLICY.maximumRetryAttempts,
      maximumEventAgeInSeconds: t.retryPolicy?.maximumEventAgeInSeconds ?? DEFAULT_RETRY_POLICY.maximumEventAgeInSeconds,
    };
    if (retryPolicy.maximumRetryAttempts < 0 || retryPolicy.maximumRetryAttempts > 185) {
      throw validation(`Target ${t.id} of rule ${ruleName}: MaximumRetryAttempts must be between 0 and 185.`);
    }
    if (retryPolicy.maximumEventAgeInSeconds < 60 || retryPolicy.maximumEventAgeInSeconds > 86_400) {
      throw validation(`Target ${t.id} of rule ${ruleName}: MaximumEventAgeInSeconds must be between 60 and 86400.`);
    }
    return {
      id: t.id, arn: t.arn, retryPolicy, deadLetterArn: t.deadLetterArn, input: t.input, inputPath: t.inputPath,
      inputTransformer: t.inputTransformer, roleArn: t.roleArn, appSyncParameters: t.appSyncParameters,
    };
  }

  private patternError(error: unknown): AwsServiceError {
    if (error instanceof InvalidEventPatternError) return new AwsServiceError(error.code, error.message);
    throw error;
  }

  private busOf(ref: unknown): string {
    if (ref === undefined || ref === null || ref === '') return DEFAULT_BUS;
    const name = typeof ref === 'string' ? busNameOf(ref) : undefined;
    if (name === undefined || !this.buses.has(name)) throw notFound(`Event bus ${String(ref)} does not exist.`);
    return name;
  }

  private ruleOf(input: Record<string, unknown>, key: 'Name' | 'Rule'): StoredRule {
    const name = str(input[key]);
    if (!name) throw validation(`1 validation error detected: Value null at '${key.toLowerCase()}' failed to satisfy constraint: Member must not be null`);
    const busName = this.busOf(input.EventBusName);
    const rule = this.rules.get(busName)!.get(name);
    if (!rule) throw notFound(`Rule ${name} does not exist on EventBus ${busName}.`);
    return rule;
  }

  private putEvents(input: Record<string, unknown>) {
    const entries = checkEntries(input.Entries);
    const acceptedAt = this.now();
    const results = entries.map((entry) => {
      const outcome = acceptEntry(entry, (name) => this.buses.has(name), new Date(acceptedAt));
      if (!outcome.ok) return { ErrorCode: outcome.errorCode, ErrorMessage: outcome.errorMessage };
      this.route(outcome.busName, outcome.event, acceptedAt);
      return { EventId: outcome.event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /** Matches an accepted event against the bus's enabled rules and starts deliveries. Never the payload in logs. */
  private route(busName: string, event: EventEnvelope, acceptedAt: number): void {
    const what = `eventbridge  PutEvents ${event['detail-type']} from ${event.source}`;
    const enabled = [...this.rules.get(busName)!.values()].filter((r) => r.state === 'ENABLED');
    const matched = enabled.filter((r) => r.pattern.matches(event));
    this.deps.events?.publish('put-events', `PutEvents ${event['detail-type']} from ${event.source} on ${busName} → ${matched.length ? `rule ${matched.map((r) => r.name).join(', ')}` : 'no rule matched'}`, {
      eventId: event.id,
      busName,
      source: event.source,
      detailType: event['detail-type'],
      detail: event.detail,
      matched: matched.map((r) => r.name),
      missed: enabled.filter((r) => !matched.includes(r)).map((r) => r.name),
    });
    if (matched.length === 0) {
      this.deps.log(`${what} on ${busName} → no rule matched`);
      return;
    }
    for (const rule of matched) {
      const targets = rule.targets.map((t) => targetLabel(t.arn)).join(', ') || '(no targets)';
      this.deps.log(`${what} → rule ${rule.name} → ${targets}`);
      for (const target of rule.targets) {
        this.dispatcher.dispatch({
          event,
          payload: target.inputTransformer
            ? transformInput(event, target.inputTransformer, { ruleName: rule.name, ruleArn: rule.arn, ingestedAt: acceptedAt })
            : targetPayload(event, target),
          target: { roleArn: target.roleArn, appSyncParameters: target.appSyncParameters },
          ruleName: rule.name,
          ruleArn: rule.arn,
          targetArn: target.arn,
          retryPolicy: target.retryPolicy,
          deadLetterArn: target.deadLetterArn,
          acceptedAt,
        });
      }
    }
  }

  private testEventPattern(input: Record<string, unknown>) {
    if (typeof input.EventPattern !== 'string') throw validation("1 validation error detected: Value null at 'eventPattern' failed to satisfy constraint: Member must not be null");
    if (typeof input.Event !== 'string') throw validation("1 validation error detected: Value null at 'event' failed to satisfy constraint: Member must not be null");
    let pattern: CompiledPattern;
    try {
      pattern = parsePattern(input.EventPattern);
    } catch (error) {
      throw this.patternError(error);
    }
    const event = parseTestEvent(input.Event);
    return { Result: pattern.matches(event) };
  }

  private describeRuleShape(rule: StoredRule) {
    return {
      Name: rule.name,
      Arn: rule.arn,
      EventPattern: rule.patternText,
      State: rule.state,
      ...(rule.description ? { Description: rule.description } : {}),
      EventBusName: rule.busName,
    };
  }

  private listRules(input: Record<string, unknown>) {
    const busName = this.busOf(input.EventBusName);
    const prefix = str(input.NamePrefix) ?? '';
    const rules = [...this.rules.get(busName)!.values()]
      .filter((r) => r.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { items, nextToken } = page(rules, input);
    return { Rules: items.map((r) => this.describeRuleShape(r)), ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  private describeRule(input: Record<string, unknown>) {
    return { ...this.describeRuleShape(this.ruleOf(input, 'Name')), CreatedBy: LOCAL_ACCOUNT };
  }

  private listTargetsByRule(input: Record<string, unknown>) {
    const rule = this.ruleOf(input, 'Rule');
    const { items, nextToken } = page(rule.targets, input);
    const Targets = items.map((t) => ({
      Id: t.id,
      Arn: t.arn,
      RetryPolicy: { MaximumRetryAttempts: t.retryPolicy.maximumRetryAttempts, MaximumEventAgeInSeconds: t.retryPolicy.maximumEventAgeInSeconds },
      ...(t.deadLetterArn ? { DeadLetterConfig: { Arn: t.deadLetterArn } } : {}),
      ...(t.input !== undefined ? { Input: t.input } : {}),
      ...(t.inputPath !== undefined ? { InputPath: t.inputPath } : {}),
      ...(t.inputTransformer !== undefined ? { InputTransformer: { InputPathsMap: t.inputTransformer.inputPathsMap ?? {}, InputTemplate: t.inputTransformer.inputTemplate } } : {}),
      ...(t.roleArn !== undefined ? { RoleArn: t.roleArn } : {}),
      ...(t.appSyncParameters !== undefined ? { AppSyncParameters: { GraphQLOperation: t.appSyncParameters.graphQLOperation } } : {}),
    }));
    return { Targets, ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  private describeEventBus(input: Record<string, unknown>) {
    const name = this.busOf(input.Name);
    return { Name: name, Arn: busArn(name) };
  }

  private listEventBuses(input: Record<string, unknown>) {
    const prefix = str(input.NamePrefix) ?? '';
    const names = [...this.buses].filter((n) => n.startsWith(prefix)).sort();
    const { items, nextToken } = page(names, input);
    return { EventBuses: items.map((n) => ({ Name: n, Arn: busArn(n) })), ...(nextToken ? { NextToken: nextToken } : {}) };
  }
}
