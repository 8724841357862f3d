/**
 * IPv4 and IPv6 addresses and CIDR blocks, for the `cidr` operator. Addresses are compared as unsigned
 * integers (BigInt) of 32 or 128 bits.
 */

/**
 * A CIDR block as AWS's engine matches it: the addresses of one family from the given address up to the
 * block's last address (aws/event-ruler CIDR.cidr keeps the host bits of the given address as the bottom).
 */
export interface CidrBlock {
  readonly bits: 32 | 128;
  readonly low: bigint;
  readonly high: bigint;
}

/** A parsed IP address. */
export interface IpAddress {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

const IPV4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => IPV4_PART.test(p))) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups: number[] = [];
    const pieces = s.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) {
        groups.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IPv4 or IPv6 address; `undefined` if `text` is not one. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : undefined;
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

/**
 * What AWS's engine takes for an IP address before parsing it: four dotted runs of digits, or hex digits and
 * colons with at least one colon (aws/event-ruler Constants IPv4_REGEX, IPv6_REGEX).
 */
const IP_LIKE = /^(?:\d+\.\d+\.\d+\.\d+|[0-9a-fA-F:]*:[0-9a-fA-F:]*)$/;

/** An event value or pattern literal read as an IP address the way AWS's engine reads it. */
function ipOf(text: string): IpAddress | undefined {
  return IP_LIKE.test(text) ? parseIpAddress(text) : undefined;
}

/** The one-address block of a pattern literal that is an IP address; `undefined` for any other string. */
export function ipToRange(text: string): CidrBlock | undefined {
  const address = ipOf(text);
  return address && { bits: address.bits, low: address.value, high: address.value };
}

/** Java's `String.split`: trailing empty strings are dropped. */
function splitJava(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Parses `address/prefix` as AWS does. Returns AWS's reason for refusing it otherwise (aws/event-ruler
 * CIDR.cidr; "Malformed CIDR, one '/' required", "Malformed CIDR, mask bits must be an integer" and
 * "Nonstandard IP address: xx.11.xx" are recorded against AWS in LocalStack's content_ip_address_*_EXC).
 * A bare address is refused, and so are `/32` and `/128`: the engine accepts mask bits below the width.
 */
export function parseCidr(text: string): CidrBlock | string {
  const parts = splitJava(text, '/');
  if (parts.length !== 2) return "Malformed CIDR, one '/' required";
  const [addressText, maskText] = parts;
  const mask = /^[+-]?\d+$/.test(maskText) ? Number(maskText) : NaN;
  if (!Number.isSafeInteger(mask) || mask > 2 ** 31 - 1 || mask < -(2 ** 31)) return 'Malformed CIDR, mask bits must be an integer';
  if (mask < 0) return 'Malformed CIDR, mask bits must not be negative';
  if (!IP_LIKE.test(addressText)) return `Nonstandard IP address: ${addressText}`;
  const address = parseIpAddress(addressText);
  if (!address) return `Invalid IP address: ${addressText}`;
  if (address.bits === 32 && mask > 31) return 'IPv4 mask bits must be < 32';
  if (address.bits === 128 && mask > 127) return 'IPv6 mask bits must be < 128';
  const hostMask = (1n << BigInt(address.bits - mask)) - 1n;
  return { bits: address.bits, low: address.value, high: address.value | hostMask };
}

/** Whether `text` is an IP address inside `block`. */
export function cidrContains(block: CidrBlock, text: string): boolean {
  const address = ipOf(text);
  return !!address && address.bits === block.bits && address.value >= block.low && address.value <= block.high;
}
