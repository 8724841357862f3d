import { PushError } from '../../shared/errors';

/**
 * The template (or the cloud assembly holding it) cannot be run locally. The message names the resource
 * (its logical id) and says what to change.
 */
export class TemplateError extends PushError {
  constructor(message: string, public readonly logicalId?: string, options?: { cause?: unknown }) {
    super('TemplateNotRunnable', logicalId ? `${logicalId}: ${message}` : message, options);
  }
}
