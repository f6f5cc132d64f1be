import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { type TrackNamespace, readTrackNamespace, writeTrackNamespace } from './track-name.js';
import { requireSupportedVersion } from './version.js';

export interface PublishNamespaceCancelFields {
  readonly trackNamespace: TrackNamespace;
  /** A code from `PublishNamespaceErrorCode`. */
  readonly errorCode: number;
  readonly reasonPhrase: string;
}

/** §PUBLISH_NAMESPACE_CANCEL: the subscriber stops sending subscriptions for a namespace. */
export class PublishNamespaceCancel implements PublishNamespaceCancelFields {
  readonly kind = 'publish_namespace_cancel' as const;
  static readonly type = MessageType.PublishNamespaceCancel;
  readonly trackNamespace: TrackNamespace;
  readonly errorCode: number;
  readonly reasonPhrase: string;

  constructor(fields: PublishNamespaceCancelFields) {
    this.trackNamespace = fields.trackNamespace;
    this.errorCode = fields.errorCode;
    this.reasonPhrase = fields.reasonPhrase;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    writeTrackNamespace(w, this.trackNamespace);
    w.varint(this.errorCode);
    writeReasonPhrase(w, this.reasonPhrase);
  }

  static decodePayload(r: Reader, version: number): PublishNamespaceCancel {
    requireSupportedVersion(version);
    const trackNamespace = readTrackNamespace(r);
    const errorCode = r.varint();
    return new PublishNamespaceCancel({
      trackNamespace,
      errorCode,
      reasonPhrase: readReasonPhrase(r),
    });
  }
}
