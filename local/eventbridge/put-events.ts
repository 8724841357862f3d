import { randomUUID } from 'node:crypto';
import { AwsServiceError, LOCAL_ACCOUNT, LOCAL_REGION } from '../aws-wire';
import { busNameOf, DEFAULT_BUS } from './arns';

/** Most entries in one `PutEvents` call. */
export const MAX_ENTRIES_PER_CALL = 10;
/** Largest entry, computed as AWS documents it (see `entrySize`). */
export const MAX_ENTRY_BYTES = 256 * 1024;

/** The event EventBridge builds from an entry and hands to rules and targets. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** An entry that passed validation: its envelope and the bus it goes to. */
export interface AcceptedEntry {
  ok: true;
  busName: string;
  event: EventEnvelope;
}

/** An entry that failed: the per-entry error PutEvents reports. */
export interface RejectedEntry {
  ok: false;
  errorCode: string;
  errorMessage: string;
}

/** Formats a time as AWS does in events: ISO 8601, UTC, no milliseconds. */
export function eventTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The size of an entry as AWS computes it for the 256 KB limit: 14 bytes for `Time` when present, plus the
 * UTF-8 bytes of `Source`, `DetailType`, `Detail` and each of `Resources`.
 */
export function entrySize(entry: Record<string, unknown>): number {
  const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const r of entry.Resources) size += bytes(r);
  return size;
}

/**
 * Checks the `Entries` parameter as a whole: an array of 1 to 10 entries.
 * @throws AwsServiceError ValidationException, failing the whole call, as AWS does.
 */
export function checkEntries(entries: unknown): Array<Record<string, unknown>> {
  if (entries === undefined || entries === null) {
    throw new AwsServiceError('ValidationException', "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
  }
  if (!Array.isArray(entries)) {
    throw new AwsServiceError('ValidationException', 'Parameter Entries must be a list of entries.');
  }
  if (entries.length < 1 || entries.length > MAX_ENTRIES_PER_CALL) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES_PER_CALL}`;
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  return entries.map((e) => (typeof e === 'object' && e !== null && !Array.isArray(e) ? (e as Record<string, unknown>) : {}));
}

function reject(errorCode: string, errorMessage: string): RejectedEntry {
  return { ok: false, errorCode, errorMessage };
}

const required = (name: string) =>
  reject('InvalidArgument', `Parameter ${name} is not valid. Reason: ${name} is a required argument.`);

function parseTime(value: unknown, now: Date): Date | undefined {
  if (value === undefined || value === null) return now;
  // The JSON protocol sends timestamps as epoch seconds; an ISO string is accepted too.
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/**
 * Validates one `PutEvents` entry and builds its event, or says why AWS would reject it.
 * `busExists` answers whether a bus of that name exists.
 */
export function acceptEntry(
  entry: Record<string, unknown>,
  busExists: (name: string) => boolean,
  now: Date,
): AcceptedEntry | RejectedEntry {
  const { Source, DetailType, Detail, Resources, EventBusName } = entry;
  if (typeof Source !== 'string' || Source === '') return required('Source');
  if (typeof DetailType !== 'string' || DetailType === '') return required('DetailType');
  if (typeof Detail !== 'string' || Detail === '') return required('Detail');
  let detail: unknown;
  try {
    detail = JSON.parse(Detail);
  } catch {
    return reject('MalformedDetail', 'Detail is malformed.');
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return reject('MalformedDetail', 'Detail is malformed: it must be a JSON object.');
  }
  if (Source.startsWith('aws.')) {
    return reject('NotAuthorizedForSourceException', `Not authorized for the source "${Source}".`);
  }
  if (Resources !== undefined && Resources !== null && (!Array.isArray(Resources) || !Resources.every((r) => typeof r === 'string'))) {
    return reject('InvalidArgument', 'Parameter Resources is not valid. Reason: Resources must be a list of strings.');
  }
  const time = parseTime(entry.Time, now);
  if (!time) return reject('InvalidArgument', 'Parameter Time is not valid.');
  let busName = DEFAULT_BUS;
  if (EventBusName !== undefined && EventBusName !== null && EventBusName !== '') {
    const name = typeof EventBusName === 'string' ? busNameOf(EventBusName) : undefined;
    if (name === undefined || !busExists(name)) {
      return reject('ResourceNotFoundException', `Event bus ${String(EventBusName)} does not exist.`);
    }
    busName = name;
  }
  if (entrySize(entry) > MAX_ENTRY_BYTES) {
    return reject('InvalidArgument', `Entry size ${entrySize(entry)} bytes exceeds the limit of 256 KB (${MAX_ENTRY_BYTES} bytes).`);
  }
  return {
    ok: true,
    busName,
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': DetailType,
      source: Source,
      account: LOCAL_ACCOUNT,
      time: eventTime(time),
      region: LOCAL_REGION,
      resources: (Resources as string[] | undefined) ?? [],
      detail: detail as Record<string, unknown>,
    },
  };
}
