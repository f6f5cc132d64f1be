import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { RequestOk } from './request-ok.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface PublishNamespaceOkFields {
  /** The Request ID of the PUBLISH_NAMESPACE. */
  readonly requestId: number;
}

/** §PUBLISH_NAMESPACE_OK: accepts a PUBLISH_NAMESPACE. */
export class PublishNamespaceOk implements PublishNamespaceOkFields {
  readonly kind = 'publish_namespace_ok' as const;
  static readonly type = MessageType.PublishNamespaceOk;
  readonly requestId: number;

  constructor(fields: PublishNamespaceOkFields) {
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

  static decodePayload(r: Reader, version: number): PublishNamespaceOk {
    requireSupportedVersion(version);
    return new PublishNamespaceOk({ requestId: r.varint() });
  }
}
