import { sqsError } from './errors';
import { isBinaryType, type SqsMessageAttributeValue } from './md5';

/** Reads a required string parameter. */
export function requireString(input: Record<string, unknown>, name: string): string {
  const v = input[name];
  if (v === undefined || v === null) throw sqsError('MissingParameter', `The request must contain the parameter ${name}.`);
  if (typeof v !== 'string') throw sqsError('InvalidParameterValue', `Value for parameter ${name} must be a string.`);
  return v;
}

/** Reads an optional integer parameter within bounds. */
export function optionalInt(input: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw sqsError('InvalidParameterValue', `Value ${JSON.stringify(v)} for parameter ${name} is invalid. Reason: must be an integer between ${min} and ${max}.`);
  }
  return n;
}

/** Reads an optional list of strings. */
export function optionalStringList(input: Record<string, unknown>, name: string): string[] {
  const v = input[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw sqsError('InvalidParameterValue', `Value for parameter ${name} must be a list of strings.`);
  }
  return v as string[];
}

/** SQS accepts these Unicode characters in bodies and attribute values (the XML 1.0 character set). */
export function hasOnlyValidCharacters(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) return false;
  }
  return true;
}

const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;

/**
 * Validates `MessageAttributes` (at most 10; names of letters, digits, `_-.`, not starting with `AWS.`/`Amazon.`;
 * data types `String`, `Number` or `Binary` with an optional `.custom` suffix; a value of the matching kind).
 * @returns the attributes and their size in bytes (names, types and values), which counts against the message size.
 */
export function validateMessageAttributes(raw: unknown): { attributes: Record<string, SqsMessageAttributeValue>; size: number } {
  if (raw === undefined || raw === null) return { attributes: {}, size: 0 };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw sqsError('InvalidParameterValue', 'MessageAttributes must be a map.');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 10) throw sqsError('InvalidParameterValue', `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  const attributes: Record<string, SqsMessageAttributeValue> = {};
  let size = 0;
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME.test(name) || /^(aws\.|amazon\.)/i.test(name)) {
      throw sqsError('InvalidParameterValue', `Message (user) attribute name '${name}' is invalid.`);
    }
    const v = value as Partial<SqsMessageAttributeValue> | null;
    if (!v || typeof v.DataType !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(v.DataType)) {
      throw sqsError('InvalidParameterValue', `The message attribute '${name}' must contain a DataType of String, Number or Binary.`);
    }
    if (v.StringListValues?.length || v.BinaryListValues?.length) {
      throw sqsError('InvalidParameterValue', `Message attribute list values in '${name}' are not supported.`);
    }
    if (isBinaryType(v.DataType)) {
      if (typeof v.BinaryValue !== 'string' || v.BinaryValue.length === 0) {
        throw sqsError('InvalidParameterValue', `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      }
      attributes[name] = { DataType: v.DataType, BinaryValue: v.BinaryValue };
      size += Buffer.from(v.BinaryValue, 'base64').length;
    } else {
      if (typeof v.StringValue !== 'string' || v.StringValue.length === 0) {
        throw sqsError('InvalidParameterValue', `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${v.DataType}'.`);
      }
      if (!hasOnlyValidCharacters(v.StringValue)) {
        throw sqsError('InvalidParameterValue', `The message attribute '${name}' contains characters outside the allowed set.`);
      }
      if (v.DataType.startsWith('Number') && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.StringValue)) {
        throw sqsError('InvalidParameterValue', `Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      attributes[name] = { DataType: v.DataType, StringValue: v.StringValue };
      size += Buffer.byteLength(v.StringValue, 'utf8');
    }
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(v.DataType, 'utf8');
  }
  return { attributes, size };
}

/** Whether an attribute name matches a `MessageAttributeNames` entry (`All`, `.*`, `prefix.*` or exact). */
export function attributeSelected(name: string, selectors: readonly string[]): boolean {
  return selectors.some((s) => s === 'All' || s === '.*' || s === name || (s.endsWith('.*') && name.startsWith(s.slice(0, -1))));
}
