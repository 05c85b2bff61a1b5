/**
 * IPv4 and IPv6 literals as byte arrays, for `cidr` matching and for exact matches on IP addresses
 * (EventBridge compares a rule value that is an IP address as an address, so `::1` equals `0:0:0:0:0:0:0:1`).
 * Only plain literals count, as EventBridge's matcher recognises them: dotted-quad IPv4 and hexadecimal
 * IPv6 with optional `::`, no zone id, no embedded dotted IPv4.
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

export function parseIpAddress(text: string): Uint8Array | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

/** Hand-rolled: event strings are checked against every cidr condition, so this runs per event. */
function parseIpv4(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : DOT;
    if (code === DOT) {
      if (digits === 0 || digits > 3 || value > 255) return undefined;
      bytes[part++] = value;
      value = 0;
      digits = 0;
    } else {
      value = value * 10 + (code - ZERO);
      digits++;
    }
  }
  return bytes;
}

const DOT = 46;
const ZERO = 48;

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (group.length === 0 || group.length > 4) return undefined;
    groups.push(Number.parseInt(group, 16));
  }
  return groups;
}

export function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface CidrBlock {
  readonly low: Uint8Array;
  readonly high: Uint8Array;
}

/**
 * Parses `address/bits`. Like EventBridge, the block runs from the address as written up to the address
 * with all host bits set (so `10.0.0.0/24` is 10.0.0.0-10.0.0.255), and a full-length mask (/32, /128) is
 * refused: a single address is written as a plain string value instead.
 * Returns the reason when the text is not a CIDR block EventBridge accepts.
 */
export function parseCidr(text: string): CidrBlock | string {
  const parts = text.split('/');
  if (parts.length !== 2) return "Malformed CIDR, one '/' required";
  const bitsText = parts[1]!;
  if (!/^[+-]?[0-9]+$/.test(bitsText)) return 'Malformed CIDR, mask bits must be an integer';
  const bits = Number(bitsText);
  if (bits < 0) return 'Malformed CIDR, mask bits must not be negative';
  const low = parseIpAddress(parts[0]!);
  if (low === undefined) return `Invalid IP address: ${parts[0]}`;
  if (low.length === 4 && bits > 31) return 'IPv4 mask bits must be < 32';
  if (low.length === 16 && bits > 127) return 'IPv6 mask bits must be < 128';
  const high = Uint8Array.from(low);
  let hostBits = low.length * 8 - bits;
  for (let i = high.length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8) {
    high[i] = high[i]! | (hostBits >= 8 ? 0xff : (1 << hostBits) - 1);
  }
  return { low, high };
}

export function isInBlock(address: Uint8Array, block: CidrBlock): boolean {
  if (address.length !== block.low.length) return false;
  return compareBytes(address, block.low) >= 0 && compareBytes(address, block.high) <= 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const diff = a[i]! - b[i]!;
    if (diff !== 0) return diff;
  }
  return 0;
}
