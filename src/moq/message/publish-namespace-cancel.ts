import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { type TrackNamespace, readTrackNamespace, writeTrackNamespace } from './track-name.js';
import { requireRequestId } from './publish-namespace-done.js';
import { fromDraft16ErrorCode, toDraft16ErrorCode } from './request-error-code.js';
import { isDraft16 } from './version.js';

export interface PublishNamespaceCancelFields {
  readonly trackNamespace: TrackNamespace;
  /** Draft-16 refers to the namespace by the PUBLISH_NAMESPACE's Request ID. */
  readonly requestId?: number | undefined;
  /** A code from `PublishNamespaceErrorCode`. */
  readonly errorCode: number;
  readonly reasonPhrase: string;
}

/** §PUBLISH_NAMESPACE_CANCEL: the subscriber stops sending subscriptions for a namespace. */
export class PublishNamespaceCancel implements PublishNamespaceCancelFields {
  readonly kind = 'publish_namespace_cancel' as const;
  static readonly type = MessageType.PublishNamespaceCancel;
  readonly trackNamespace: TrackNamespace;
  readonly requestId: number | undefined;
  readonly errorCode: number;
  readonly reasonPhrase: string;

  constructor(fields: PublishNamespaceCancelFields) {
    this.trackNamespace = fields.trackNamespace;
    this.requestId = fields.requestId;
    this.errorCode = fields.errorCode;
    this.reasonPhrase = fields.reasonPhrase;
  }

  encodePayload(w: Writer, version: number): void {
    if (isDraft16(version)) {
      w.varint(requireRequestId(this.requestId));
      w.varint(toDraft16ErrorCode('publish_namespace', this.errorCode));
      return writeReasonPhrase(w, this.reasonPhrase);
    }
    writeTrackNamespace(w, this.trackNamespace);
    w.varint(this.errorCode);
    writeReasonPhrase(w, this.reasonPhrase);
  }

  static decodePayload(r: Reader, version: number): PublishNamespaceCancel {
    if (isDraft16(version)) {
      const requestId = r.varint();
      const errorCode = fromDraft16ErrorCode('publish_namespace', r.varint());
      const reasonPhrase = readReasonPhrase(r);
      return new PublishNamespaceCancel({ trackNamespace: [], requestId, errorCode, reasonPhrase });
    }
    const trackNamespace = readTrackNamespace(r);
    const errorCode = r.varint();
    return new PublishNamespaceCancel({
      trackNamespace,
      errorCode,
      reasonPhrase: readReasonPhrase(r),
    });
  }
}
