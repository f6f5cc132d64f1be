import { type VarintEncoding, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { type ExtensionHeaders, writeExtensionHeaders } from './extension-headers.js';
import { ObjectStatus, checkObjectShape } from './object-status.js';
import { subgroupHeaderFlags } from './subgroup-header.js';

/** One object as sent on a subgroup stream (§Subgroup Header, "Subgroup Object Fields"). */
export interface SubgroupObject {
  readonly objectId: number;
  /** Only allowed when the stream's header type has Extensions Present. */
  readonly extensions?: ExtensionHeaders;
  /** Defaults to Normal. Non-Normal objects have no payload. */
  readonly status?: ObjectStatus;
  readonly payload?: Uint8Array;
}

/**
 * §Subgroup Header: the first object sends its id as the delta; later ones send
 * `id - previous - 1`, so ids must strictly increase within a stream.
 */
export function objectIdDelta(objectId: number, previousObjectId: number | undefined): number {
  if (previousObjectId === undefined) return objectId;
  const delta = objectId - previousObjectId - 1;
  if (delta < 0) {
    throw MoqError.protocolViolation(`object id ${objectId} not after ${previousObjectId}`);
  }
  return delta;
}

/** Everything of the object but its payload bytes: send these, then the payload itself. */
export function encodeSubgroupObjectHeader(
  object: SubgroupObject,
  headerType: number,
  previousObjectId: number | undefined,
): Uint8Array {
  const w = new Writer(32);
  writeObjectFields(w, object, headerType, previousObjectId);
  return w.finish();
}

/** The whole object: header fields and payload. */
export function encodeSubgroupObject(
  object: SubgroupObject,
  headerType: number,
  previousObjectId: number | undefined,
  encoding: VarintEncoding = 'quic',
): Uint8Array {
  const payload = object.payload ?? new Uint8Array(0);
  const w = new Writer(32 + payload.length, encoding);
  writeObjectFields(w, object, headerType, previousObjectId);
  return w.bytes(payload).finish();
}

function writeObjectFields(
  w: Writer,
  object: SubgroupObject,
  headerType: number,
  previousObjectId: number | undefined,
): void {
  const flags = subgroupHeaderFlags(headerType);
  const extensions = object.extensions ?? [];
  const status = object.status ?? ObjectStatus.Normal;
  const payloadBytes = object.payload?.length ?? 0;
  checkObjectShape(status, payloadBytes, extensions);
  w.varint(objectIdDelta(object.objectId, previousObjectId));
  if (flags.extensionsPresent) writeExtensionHeaders(w, extensions);
  else if (extensions.length > 0) {
    throw MoqError.protocolViolation('subgroup header type has no extensions');
  }
  w.varint(payloadBytes);
  // §Subgroup Header: Object Status is sent only when the payload length is zero.
  if (payloadBytes === 0) w.varint(status);
}
