import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { DEFAULT_CONFIG, InvalidConfigError } from '../config';

/** Which bus to publish on: a new one (by name), one given by ARN, or one given as an object. */
export interface EventBusChoice {
  /**
   * Name of the event bus to create. Not allowed together with `existingEventBusArn` or `existingEventBus`.
   * @default DEFAULT_CONFIG.eventBusName ('websocket-push')
   */
  readonly eventBusName?: string;
  /**
   * ARN of an existing event bus (same account and region: rules live in the bus's account and region).
   * @default - a new bus is created
   */
  readonly existingEventBusArn?: string;
  /**
   * An existing event bus (same account and region).
   * @default - a new bus is created
   */
  readonly existingEventBus?: events.IEventBus;
}

/**
 * The bus of a {@link EventBusChoice}: the given one, the one of the ARN (imported as `id`), or a new one
 * created in `scope` as `id`. A function rather than a construct, so the bus keeps the path (and logical id)
 * it would have if created directly in `scope`.
 * @throws InvalidConfigError when two of the choices are given
 */
export function resolveEventBus(scope: Construct, id: string, choice: EventBusChoice): events.IEventBus {
  if (choice.existingEventBusArn !== undefined && choice.eventBusName !== undefined) {
    throw new InvalidConfigError(
      'eventBusName',
      'Invalid props: "eventBusName" and "existingEventBusArn" cannot be combined (no bus is created when an existing one is given); remove one of the two.',
    );
  }
  if (choice.existingEventBus !== undefined && (choice.existingEventBusArn !== undefined || choice.eventBusName !== undefined)) {
    throw new InvalidConfigError(
      'existingEventBus',
      'Invalid props: "existingEventBus" cannot be combined with "existingEventBusArn" or "eventBusName" (they name the same bus); keep one of them.',
    );
  }
  return (
    choice.existingEventBus ??
    (choice.existingEventBusArn !== undefined
      ? events.EventBus.fromEventBusArn(scope, id, choice.existingEventBusArn)
      : new events.EventBus(scope, id, { eventBusName: choice.eventBusName ?? DEFAULT_CONFIG.eventBusName }))
  );
}
