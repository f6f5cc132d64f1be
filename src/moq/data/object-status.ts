import type { Reader } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import type { ExtensionHeaders } from './extension-headers.js';

/** §Object Status. */
export const ObjectStatus = {
  Normal: 0x0,
  DoesNotExist: 0x1,
  EndOfGroup: 0x3,
  EndOfTrack: 0x4,
} as const;
export type ObjectStatus = (typeof ObjectStatus)[keyof typeof ObjectStatus];

const KNOWN: ReadonlySet<number> = new Set(Object.values(ObjectStatus));

export function readObjectStatus(r: Reader): ObjectStatus {
  const status = r.varint();
  if (KNOWN.has(status)) return status as ObjectStatus;
  throw MoqError.protocolViolation(`unknown object status ${status}`);
}

/**
 * §Object Status / §Object Extension Header: only Normal objects carry payload, and an object
 * that does not exist carries no extensions.
 */
export function checkObjectShape(
  status: ObjectStatus,
  payloadBytes: number,
  extensions: ExtensionHeaders,
): void {
  if (status !== ObjectStatus.Normal && payloadBytes > 0) {
    throw MoqError.protocolViolation(`object with status ${status} has a payload`);
  }
  if (status === ObjectStatus.DoesNotExist && extensions.length > 0) {
    throw MoqError.protocolViolation('non-existent object has extension headers');
  }
}
