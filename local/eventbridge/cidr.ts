/**
 * IPv4 and IPv6 addresses and CIDR blocks, for the `cidr` operator. Addresses are compared as unsigned
 * integers (BigInt) of 32 or 128 bits.
 */

/** A parsed CIDR block: its address family, first address and prefix length. */
export interface CidrBlock {
  readonly bits: 32 | 128;
  readonly network: bigint;
  readonly prefixLength: number;
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
 * Parses `address/prefix`. A bare address is a block of one address. Returns a string saying what is wrong
 * when the text is not a CIDR block.
 */
export function parseCidr(text: string): CidrBlock | string {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = parseIpAddress(addressText);
  if (!address) return `"${text}" is not a valid IPv4 or IPv6 CIDR block`;
  let prefixLength: number = address.bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > address.bits) {
      return `"${text}" has an invalid prefix length`;
    }
    prefixLength = Number(prefixText);
  }
  const hostBits = BigInt(address.bits - prefixLength);
  const network = (address.value >> hostBits) << hostBits;
  return { bits: address.bits, network, prefixLength };
}

/** Whether `text` is an IP address inside `block`. */
export function cidrContains(block: CidrBlock, text: string): boolean {
  const address = parseIpAddress(text);
  if (!address || address.bits !== block.bits) return false;
  const hostBits = BigInt(block.bits - block.prefixLength);
  return (address.value >> hostBits) << hostBits === block.network;
}
