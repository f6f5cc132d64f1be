import { Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { type ExtensionHeaders, writeExtensionHeaders } from './extension-headers.js';
import { ObjectStatus, checkObjectShape } from './object-status.js';
import { DataStreamType } from './stream-type.js';

/** §Fetch Header: the stream carries objects answering the FETCH with this Request ID. */
export interface FetchHeader {
  readonly requestId: number;
}

export function encodeFetchHeader(header: FetchHeader): Uint8Array {
  return new Writer(9).varint(DataStreamType.FetchHeader).varint(header.requestId).finish();
}

/** One object on a fetch stream (§Fetch Header, "Fetch Object Fields"). */
export interface FetchObject {
  readonly groupId: number;
  /** For objects sent as datagrams, the object id (§Fetch Header). */
  readonly subgroupId: number;
  readonly objectId: number;
  readonly publisherPriority: number;
  readonly extensions?: ExtensionHeaders;
  readonly status?: ObjectStatus;
  readonly payload?: Uint8Array;
}

/** Everything of the object but its payload bytes. */
export function encodeFetchObjectHeader(object: FetchObject): Uint8Array {
  const w = new Writer(48);
  writeFetchObjectFields(w, object);
  return w.finish();
}

export function encodeFetchObject(object: FetchObject): Uint8Array {
  const payload = object.payload ?? new Uint8Array(0);
  const w = new Writer(48 + payload.length);
  writeFetchObjectFields(w, object);
  return w.bytes(payload).finish();
}

function writeFetchObjectFields(w: Writer, object: FetchObject): void {
  const extensions = object.extensions ?? [];
  const status = object.status ?? ObjectStatus.Normal;
  const payloadBytes = object.payload?.length ?? 0;
  checkObjectShape(status, payloadBytes, extensions);
  if (object.publisherPriority < 0 || object.publisherPriority > 0xff) {
    throw MoqError.protocolViolation(`publisher priority ${object.publisherPriority} not 8-bit`);
  }
  w.varint(object.groupId).varint(object.subgroupId).varint(object.objectId);
  w.u8(object.publisherPriority);
  writeExtensionHeaders(w, extensions);
  w.varint(payloadBytes);
  if (payloadBytes === 0) w.varint(status);
}
