import { Reader, type Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { type TrackNamespace, readNamespacePrefix, writeNamespacePrefix } from './track-name.js';
import { requireSupportedVersion } from './version.js';

export interface UnsubscribeNamespaceFields {
  readonly trackNamespacePrefix: TrackNamespace;
  /**
   * Set instead of a prefix when the peer named its SUBSCRIBE_NAMESPACE by request id (the
   * later drafts' form, which @moq/lite sends while speaking draft-14).
   */
  readonly requestId?: number;
}

/** §UNSUBSCRIBE_NAMESPACE: ends a SUBSCRIBE_NAMESPACE, named by its prefix in draft-14. */
export class UnsubscribeNamespace implements UnsubscribeNamespaceFields {
  readonly kind = 'unsubscribe_namespace' as const;
  static readonly type = MessageType.UnsubscribeNamespace;
  readonly trackNamespacePrefix: TrackNamespace;
  readonly requestId: number | undefined;

  constructor(fields: UnsubscribeNamespaceFields) {
    this.trackNamespacePrefix = fields.trackNamespacePrefix;
    this.requestId = fields.requestId;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    writeNamespacePrefix(w, this.trackNamespacePrefix);
  }

  static decodePayload(r: Reader, version: number): UnsubscribeNamespace {
    requireSupportedVersion(version);
    const start = r.offset;
    try {
      return new UnsubscribeNamespace({ trackNamespacePrefix: readNamespacePrefix(r) });
    } catch (error) {
      // One lone varint is a request id (see `requestId`); anything else stays malformed.
      const whole = new Reader(r.source.subarray(start));
      const requestId = whole.varint();
      if (whole.remaining !== 0) throw error;
      r.rest();
      return new UnsubscribeNamespace({ trackNamespacePrefix: [], requestId });
    }
  }
}
