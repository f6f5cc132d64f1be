import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { requireSupportedVersion } from './version.js';

export interface UnsubscribeFields {
  /** The Request ID of the subscription being ended. */
  readonly requestId: number;
}

/** §UNSUBSCRIBE: the subscriber ends a subscription. */
export class Unsubscribe implements UnsubscribeFields {
  readonly kind = 'unsubscribe' as const;
  static readonly type = MessageType.Unsubscribe;
  readonly requestId: number;

  constructor(fields: UnsubscribeFields) {
    this.requestId = fields.requestId;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    w.varint(this.requestId);
  }

  static decodePayload(r: Reader, version: number): Unsubscribe {
    requireSupportedVersion(version);
    return new Unsubscribe({ requestId: r.varint() });
  }
}
