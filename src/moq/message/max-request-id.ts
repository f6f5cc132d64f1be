import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { requireSupportedVersion } from './version.js';

export interface MaxRequestIdFields {
  /** The new Maximum Request ID plus 1: requests with an id at or above it are TOO_MANY_REQUESTS. */
  readonly maxRequestId: number;
}

/** §MAX_REQUEST_ID: raises the number of requests the peer may send. */
export class MaxRequestId implements MaxRequestIdFields {
  readonly kind = 'max_request_id' as const;
  static readonly type = MessageType.MaxRequestId;
  readonly maxRequestId: number;

  constructor(fields: MaxRequestIdFields) {
    this.maxRequestId = fields.maxRequestId;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    w.varint(this.maxRequestId);
  }

  static decodePayload(r: Reader, version: number): MaxRequestId {
    requireSupportedVersion(version);
    return new MaxRequestId({ maxRequestId: r.varint() });
  }
}
