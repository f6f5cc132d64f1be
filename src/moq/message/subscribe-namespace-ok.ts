import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { RequestOk } from './request-ok.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface SubscribeNamespaceOkFields {
  /** The Request ID of the SUBSCRIBE_NAMESPACE. */
  readonly requestId: number;
}

/** §SUBSCRIBE_NAMESPACE_OK: accepts a SUBSCRIBE_NAMESPACE. */
export class SubscribeNamespaceOk implements SubscribeNamespaceOkFields {
  readonly kind = 'subscribe_namespace_ok' as const;
  static readonly type = MessageType.SubscribeNamespaceOk;
  readonly requestId: number;

  constructor(fields: SubscribeNamespaceOkFields) {
    this.requestId = fields.requestId;
  }

  encodePayload(w: Writer, version: number): void {
    // Draft-16 §REQUEST_OK replaces the per-request OK messages.
    if (isDraft16(version)) {
      return new RequestOk({ requestId: this.requestId }).encodePayload(w, version);
    }
    requireSupportedVersion(version);
    w.varint(this.requestId);
  }

  static decodePayload(r: Reader, version: number): SubscribeNamespaceOk {
    requireSupportedVersion(version);
    return new SubscribeNamespaceOk({ requestId: r.varint() });
  }
}
