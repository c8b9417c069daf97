// RADIUS packets on the wire (RFC 2865, 2866, 3579, 5176), as much as the disconnect agent, the
// benchmark's load generator and the tests need: attributes as (type, bytes) pairs, the four
// kinds of authenticator, Message-Authenticator, and PAP password hiding.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CODE = {
  accessRequest: 1,
  accessAccept: 2,
  accessReject: 3,
  accountingRequest: 4,
  accountingResponse: 5,
  statusServer: 12,
  disconnectRequest: 40,
  disconnectAck: 41,
  disconnectNak: 42,
} as const;

export const ATTR = {
  userName: 1,
  userPassword: 2,
  nasIpAddress: 4,
  framedIpAddress: 8,
  replyMessage: 18,
  sessionTimeout: 27,
  calledStationId: 30,
  callingStationId: 31,
  nasIdentifier: 32,
  acctStatusType: 40,
  acctInputOctets: 42,
  acctOutputOctets: 43,
  acctSessionId: 44,
  acctSessionTime: 46,
  acctTerminateCause: 49,
  acctInputGigawords: 52,
  acctOutputGigawords: 53,
  eventTimestamp: 55,
  messageAuthenticator: 80,
  nasPortId: 87,
  errorCause: 101,
} as const;

/** Acct-Status-Type values. */
export const ACCT_STATUS = { start: 1, stop: 2, interimUpdate: 3 } as const;

export type Attribute = [type: number, value: Buffer];

export type Packet = {
  code: number;
  id: number;
  authenticator: Buffer;
  attributes: Attribute[];
  raw: Buffer;
};

/** A string attribute (UTF-8 unless given as bytes). */
export function text(type: number, value: string | Buffer): Attribute {
  return [type, Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8')];
}

/** A 32-bit integer attribute. */
export function integer(type: number, value: number): Attribute {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return [type, buffer];
}

/** An IPv4 address attribute. */
export function ipv4(type: number, address: string): Attribute {
  return [type, Buffer.from(address.split('.').map(Number))];
}

function encodeAttributes(attributes: Attribute[]): Buffer {
  const parts: Buffer[] = [];
  for (const [type, value] of attributes) {
    if (value.length > 253) throw new Error(`attribute ${type} is longer than 253 bytes`);
    parts.push(Buffer.from([type, value.length + 2]), value);
  }
  return Buffer.concat(parts);
}

function header(code: number, id: number, length: number, authenticator: Buffer): Buffer {
  const buffer = Buffer.alloc(20);
  buffer.writeUInt8(code, 0);
  buffer.writeUInt8(id, 1);
  buffer.writeUInt16BE(length, 2);
  authenticator.copy(buffer, 4);
  return buffer;
}

const ZERO16 = Buffer.alloc(16);

/** Sets the value of the Message-Authenticator in `packet` (which must hold one) to its HMAC. */
function signMessageAuthenticator(packet: Buffer, secret: string): void {
  const offset = findAttribute(packet, ATTR.messageAuthenticator);
  if (offset < 0) return;
  packet.fill(0, offset + 2, offset + 18);
  createHmac('md5', secret)
    .update(packet)
    .digest()
    .copy(packet, offset + 2);
}

/** Offset of the first attribute of `type` in a whole packet, or -1. */
function findAttribute(packet: Buffer, type: number): number {
  for (let offset = 20; offset + 2 <= packet.length; offset += packet[offset + 1]) {
    if (packet[offset + 1] < 2) return -1;
    if (packet[offset] === type) return offset;
  }
  return -1;
}

/** RFC 2865 5.2: the password padded to 16 bytes and XORed with the MD5 chain. */
export function hidePassword(password: string, secret: string, authenticator: Buffer): Buffer {
  const plain = Buffer.from(password, 'utf8');
  const length = Math.max(16, Math.ceil(plain.length / 16) * 16);
  const padded = Buffer.alloc(length);
  plain.copy(padded);
  const out = Buffer.alloc(length);
  let previous = authenticator;
  for (let i = 0; i < length; i += 16) {
    const key = createHash('md5').update(secret).update(previous).digest();
    for (let j = 0; j < 16; j++) out[i + j] = padded[i + j] ^ key[j];
    previous = out.subarray(i, i + 16);
  }
  return out;
}

export type RequestOptions = {
  /** Adds a Message-Authenticator (always for Access-Request and Status-Server). */
  messageAuthenticator?: boolean;
  /** A User-Password in clear text, hidden with the request authenticator. */
  password?: string;
};

/**
 * Encodes a request. Access-Request and Status-Server get a random authenticator; every other
 * request (Accounting, Disconnect, CoA) the MD5 over the packet and the secret (RFC 2866, 5176),
 * computed after a Message-Authenticator over the packet with a zero authenticator.
 */
export function encodeRequest(
  code: number,
  id: number,
  attributes: Attribute[],
  secret: string,
  options: RequestOptions = {},
): Packet {
  const random = code === CODE.accessRequest || code === CODE.statusServer;
  const authenticator = random ? randomBytes(16) : ZERO16;
  const all = [...attributes];
  if (options.password !== undefined) {
    all.push([ATTR.userPassword, hidePassword(options.password, secret, authenticator)]);
  }
  if (random || options.messageAuthenticator) all.push([ATTR.messageAuthenticator, ZERO16]);
  const body = encodeAttributes(all);
  const raw = Buffer.concat([header(code, id, 20 + body.length, authenticator), body]);
  signMessageAuthenticator(raw, secret);
  if (!random) {
    createHash('md5').update(raw).update(secret).digest().copy(raw, 4);
  }
  return decode(raw);
}

/**
 * Encodes the answer to `request`: the Response Authenticator is the MD5 over the answer with
 * the request's authenticator in its place, and the secret; a Message-Authenticator is computed
 * before it, over the same bytes.
 */
export function encodeResponse(
  code: number,
  request: Packet,
  attributes: Attribute[],
  secret: string,
  options: { messageAuthenticator?: boolean } = {},
): Buffer {
  const all = [...attributes];
  if (options.messageAuthenticator) all.push([ATTR.messageAuthenticator, ZERO16]);
  const body = encodeAttributes(all);
  const raw = Buffer.concat([
    header(code, request.id, 20 + body.length, request.authenticator),
    body,
  ]);
  signMessageAuthenticator(raw, secret);
  createHash('md5').update(raw).update(secret).digest().copy(raw, 4);
  return raw;
}

/** Parses a packet; throws on a malformed one. */
export function decode(raw: Buffer): Packet {
  if (raw.length < 20) throw new Error('packet shorter than 20 bytes');
  const length = raw.readUInt16BE(2);
  if (length < 20 || length > raw.length) throw new Error('bad packet length');
  const packet = raw.subarray(0, length);
  const attributes: Attribute[] = [];
  for (let offset = 20; offset < length;) {
    const size = packet[offset + 1];
    if (size < 2 || offset + size > length) throw new Error('bad attribute length');
    attributes.push([packet[offset], Buffer.from(packet.subarray(offset + 2, offset + size))]);
    offset += size;
  }
  return {
    code: packet[0],
    id: packet[1],
    authenticator: Buffer.from(packet.subarray(4, 20)),
    attributes,
    raw: Buffer.from(packet),
  };
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a Message-Authenticator in `raw` (if any) is right, with `authenticator` in place. */
function messageAuthenticatorValid(raw: Buffer, authenticator: Buffer, secret: string): boolean {
  const offset = findAttribute(raw, ATTR.messageAuthenticator);
  if (offset < 0) return true;
  if (raw[offset + 1] !== 18) return false;
  const copy = Buffer.from(raw);
  authenticator.copy(copy, 4);
  copy.fill(0, offset + 2, offset + 18);
  const expected = createHmac('md5', secret).update(copy).digest();
  return equal(expected, raw.subarray(offset + 2, offset + 18));
}

/** Whether `reply` is a correctly signed answer to `request` (authenticator and M-A). */
export function verifyResponse(reply: Packet, request: Packet, secret: string): boolean {
  if (reply.id !== request.id) return false;
  const copy = Buffer.from(reply.raw);
  request.authenticator.copy(copy, 4);
  const expected = createHash('md5').update(copy).update(secret).digest();
  return (
    equal(expected, reply.authenticator) &&
    messageAuthenticatorValid(reply.raw, request.authenticator, secret)
  );
}

/**
 * Whether an Accounting, Disconnect or CoA request is signed with `secret`: its authenticator
 * is the MD5 over the packet with a zero authenticator and the secret, and its
 * Message-Authenticator (if any) the HMAC over the packet with a zero authenticator.
 */
export function verifyRequest(request: Packet, secret: string): boolean {
  const copy = Buffer.from(request.raw);
  ZERO16.copy(copy, 4);
  const expected = createHash('md5').update(copy).update(secret).digest();
  return (
    equal(expected, request.authenticator) && messageAuthenticatorValid(request.raw, ZERO16, secret)
  );
}

/** The first value of an attribute, or undefined. */
export function attribute(packet: Packet, type: number): Buffer | undefined {
  return packet.attributes.find(([t]) => t === type)?.[1];
}

/** The first value of a string attribute as text, or undefined. */
export function attributeText(packet: Packet, type: number): string | undefined {
  return attribute(packet, type)?.toString('utf8');
}

/** The first value of an integer attribute, or undefined. */
export function attributeInteger(packet: Packet, type: number): number | undefined {
  const value = attribute(packet, type);
  return value?.length === 4 ? value.readUInt32BE(0) : undefined;
}
