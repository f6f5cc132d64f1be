import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { requireSupportedVersion } from './version.js';

export interface RequestsBlockedFields {
  /** The Maximum Request ID the sender is blocked on. */
  readonly maxRequestId: number;
}

/** §REQUESTS_BLOCKED: the sender wants to make a request but the peer's limit forbids it. */
export class RequestsBlocked implements RequestsBlockedFields {
  readonly kind = 'requests_blocked' as const;
  static readonly type = MessageType.RequestsBlocked;
  readonly maxRequestId: number;

  constructor(fields: RequestsBlockedFields) {
    this.maxRequestId = fields.maxRequestId;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    w.varint(this.maxRequestId);
  }

  static decodePayload(r: Reader, version: number): RequestsBlocked {
    requireSupportedVersion(version);
    return new RequestsBlocked({ maxRequestId: r.varint() });
  }
}
