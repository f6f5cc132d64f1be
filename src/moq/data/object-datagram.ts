import { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import {
  type ExtensionHeaders,
  decodeExtensionHeaders,
  writeExtensionHeaders,
} from './extension-headers.js';
import { ObjectStatus, checkObjectShape, readObjectStatus } from './object-status.js';

/** §Object Datagram type bits (types 0x00-0x07 and 0x20-0x21). */
const EXTENSIONS_BIT = 0x01;
const END_OF_GROUP_BIT = 0x02;
const NO_OBJECT_ID_BIT = 0x04;
const STATUS_BIT = 0x20;

/** Is this the type of an OBJECT_DATAGRAM? */
export function isObjectDatagramType(type: number): boolean {
  return (type >= 0x00 && type <= 0x07) || type === 0x20 || type === 0x21;
}

/** One object in one datagram (§Object Datagram). */
export interface ObjectDatagram {
  readonly trackAlias: number;
  readonly groupId: number;
  readonly objectId: number;
  readonly publisherPriority: number;
  readonly extensions: ExtensionHeaders;
  /** Only for payload datagrams: this is the last object of the group. */
  readonly endOfGroup: boolean;
  /** Normal objects travel as payload datagrams; any other status as a status datagram. */
  readonly status: ObjectStatus;
  readonly payload: Uint8Array;
}

/** The datagram type these fields are sent with (the most compact that fits). */
export function objectDatagramType(d: ObjectDatagram): number {
  const extensions = d.extensions.length > 0 ? EXTENSIONS_BIT : 0;
  if (d.status !== ObjectStatus.Normal) {
    if (d.endOfGroup) throw MoqError.protocolViolation('status datagrams cannot end a group');
    return STATUS_BIT | extensions;
  }
  const endOfGroup = d.endOfGroup ? END_OF_GROUP_BIT : 0;
  const noObjectId = d.objectId === 0 ? NO_OBJECT_ID_BIT : 0;
  return extensions | endOfGroup | noObjectId;
}

export function encodeObjectDatagram(d: ObjectDatagram): Uint8Array {
  checkObjectShape(d.status, d.payload.length, d.extensions);
  const type = objectDatagramType(d);
  if (d.publisherPriority < 0 || d.publisherPriority > 0xff) {
    throw MoqError.protocolViolation(`publisher priority ${d.publisherPriority} not 8-bit`);
  }
  const w = new Writer(32 + d.payload.length);
  w.varint(type).varint(d.trackAlias).varint(d.groupId);
  if (!(type & NO_OBJECT_ID_BIT)) w.varint(d.objectId);
  w.u8(d.publisherPriority);
  if (type & EXTENSIONS_BIT) writeExtensionHeaders(w, d.extensions);
  if (type & STATUS_BIT) w.varint(d.status);
  else w.bytes(d.payload);
  return w.finish();
}

/** Decodes a whole datagram. The payload is a view into `bytes`. */
export function decodeObjectDatagram(bytes: Uint8Array): ObjectDatagram {
  try {
    return readDatagram(new Reader(bytes));
  } catch (e) {
    throw MoqError.fromDecode(e);
  }
}

function readDatagram(r: Reader): ObjectDatagram {
  const type = r.varint();
  // §Data Streams: an unknown datagram type closes the session.
  if (!isObjectDatagramType(type)) {
    throw MoqError.protocolViolation(`unknown datagram type 0x${type.toString(16)}`);
  }
  const trackAlias = r.varint();
  const groupId = r.varint();
  const objectId = type & NO_OBJECT_ID_BIT ? 0 : r.varint();
  const publisherPriority = r.u8();
  const extensions = type & EXTENSIONS_BIT ? readExtensions(r) : [];
  const isStatus = (type & STATUS_BIT) !== 0;
  const status = isStatus ? readObjectStatus(r) : ObjectStatus.Normal;
  const payload = isStatus ? new Uint8Array(0) : r.rest();
  if (isStatus && r.remaining > 0) throw MoqError.protocolViolation('bytes after datagram status');
  checkObjectShape(status, payload.length, extensions);
  const endOfGroup = (type & END_OF_GROUP_BIT) !== 0 && !isStatus;
  return {
    trackAlias,
    groupId,
    objectId,
    publisherPriority,
    extensions,
    endOfGroup,
    status,
    payload,
  };
}

function readExtensions(r: Reader): ExtensionHeaders {
  const length = r.varint();
  // §Object Datagram: Extensions Present with a zero length is a PROTOCOL_VIOLATION.
  if (length === 0) throw MoqError.protocolViolation('datagram extensions present but empty');
  return decodeExtensionHeaders(r.bytes(length));
}
