import { createHash } from 'node:crypto';

/** A message attribute as the SQS JSON API carries it (`BinaryValue` is base64 on the wire). */
export interface SqsMessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
  StringListValues?: string[];
  BinaryListValues?: string[];
}

/** MD5 (hex) of a message body's UTF-8 bytes: `MD5OfMessageBody` / `md5OfBody`. */
export function md5OfMessageBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/**
 * `MD5OfMessageAttributes` as SQS computes it: attributes sorted by name; for each, the name, the data type
 * and the value, each as a 4-byte big-endian length followed by its bytes, with a one-byte transport type
 * (1 = String/Number, 2 = Binary) between the data type and the value. `undefined` when there are none.
 */
export function md5OfMessageAttributes(attributes: Record<string, SqsMessageAttributeValue> | undefined): string | undefined {
  const names = Object.keys(attributes ?? {}).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length, 0);
    hash.update(len);
    hash.update(bytes);
  };
  for (const name of names) {
    const attr = attributes![name];
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(attr.DataType, 'utf8'));
    if (isBinaryType(attr.DataType)) {
      hash.update(Buffer.from([2]));
      lengthPrefixed(Buffer.from(attr.BinaryValue ?? '', 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(attr.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

/** `Binary` and its custom sub-types (`Binary.gif`) travel as bytes; `String` and `Number` as text. */
export function isBinaryType(dataType: string): boolean {
  return dataType === 'Binary' || dataType.startsWith('Binary.');
}
