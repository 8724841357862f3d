import { LOCAL_ACCOUNT, LOCAL_REGION, localArn } from '../aws-wire';

/** Name of the bus that always exists. */
export const DEFAULT_BUS = 'default';

/** ARN of an event bus of the local account. */
export function busArn(name: string): string {
  return localArn('events', `event-bus/${name}`);
}

/** ARN of a rule, as AWS spells it: no bus segment for the default bus. */
export function ruleArn(busName: string, ruleName: string): string {
  const path = busName === DEFAULT_BUS ? ruleName : `${busName}/${ruleName}`;
  return localArn('events', `rule/${path}`);
}

/**
 * The bus name an `EventBusName` parameter refers to: a name, or an ARN of this account and region.
 * Returns `undefined` for an ARN that is not an event bus of the local account.
 */
export function busNameOf(ref: string): string | undefined {
  if (!ref.startsWith('arn:')) return ref;
  const match = /^arn:aws[a-z-]*:events:([^:]*):([^:]*):event-bus\/(.+)$/.exec(ref);
  if (!match || match[1] !== LOCAL_REGION || match[2] !== LOCAL_ACCOUNT) return undefined;
  return match[3];
}

/** A short, readable name for a target ARN (function name, queue name, or the ARN's last part), for logs. */
export function targetLabel(arn: string): string {
  const fn = /:function:([^:]+)/.exec(arn);
  if (fn) return fn[1];
  const parts = arn.split(/[:/]/);
  return parts[parts.length - 1] || arn;
}
