import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { requireSupportedVersion } from './version.js';

export interface FetchCancelFields {
  /** The Request ID of the FETCH being cancelled. */
  readonly requestId: number;
}

/** §FETCH_CANCEL: the subscriber no longer wants a fetch's objects. */
export class FetchCancel implements FetchCancelFields {
  readonly kind = 'fetch_cancel' as const;
  static readonly type = MessageType.FetchCancel;
  readonly requestId: number;

  constructor(fields: FetchCancelFields) {
    this.requestId = fields.requestId;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    w.varint(this.requestId);
  }

  static decodePayload(r: Reader, version: number): FetchCancel {
    requireSupportedVersion(version);
    return new FetchCancel({ requestId: r.varint() });
  }
}
