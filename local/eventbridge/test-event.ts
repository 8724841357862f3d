import { AwsServiceError } from '../aws-wire';

/**
 * Fields an event given to `TestEventPattern` must have. AWS's API reference also lists `resources`, but AWS
 * accepts events without it, and compares these fields whatever their JSON type (LocalStack's
 * test_invalid_event_payload and its templates, recorded against AWS: `detail-type` given as an array, an
 * `account` of `"$account"`).
 */
export const TEST_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

/** AWS's answer to an event it cannot test (recorded: test_plain_string_payload, test_invalid_event_payload). */
const invalid = (detail: string) => new AwsServiceError('ValidationException', `Parameter Event is not valid.\n ${detail}`);

/**
 * Parses the `Event` of a `TestEventPattern` call.
 * @throws AwsServiceError ValidationException `Parameter Event is not valid.`, saying why on a second line.
 */
export function parseTestEvent(text: string): Record<string, unknown> {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    throw invalid('the event is not valid JSON');
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw invalid('the event must be a JSON object');
  const fields = event as Record<string, unknown>;
  const missing = TEST_EVENT_FIELDS.find((field) => !Object.prototype.hasOwnProperty.call(fields, field));
  if (missing) throw invalid(`missing mandatory field ${missing}`);
  return fields;
}
