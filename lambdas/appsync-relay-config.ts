import { ENV } from '../shared/env';
import { InvalidConfigError } from '../shared/errors';
import { readClientPublishConfig } from './config';

/*
 * Kept out of `config.ts` on purpose: a change there re-minifies every other handler's bundle, and the API
 * Gateway transport's functions must stay byte-identical when only the AppSync transport changes.
 */

/** Settings of the AppSync transport's relay function. */
export interface AppSyncRelayConfig {
  /** The bus the mutation's variables are put on (the stack's own). */
  readonly eventBusName: string;
  /** Where pushes that can never be delivered go, with their reason. */
  readonly deadLetterQueueUrl: string;
}

/** Reads and validates the settings of the AppSync relay. @throws InvalidConfigError */
export function readAppSyncRelayConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppSyncRelayConfig {
  const { eventBusName } = readClientPublishConfig(env);
  const name = ENV.DEAD_LETTER_QUEUE_URL;
  const value = env[name]?.trim();
  let ok = false;
  try {
    ok = value !== undefined && ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new InvalidConfigError(name, `${name}: must be an absolute http(s) URL, got "${value ?? ''}"`);
  return { eventBusName, deadLetterQueueUrl: value! };
}
