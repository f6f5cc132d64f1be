import type { Reader, Writer } from '../coding/index.js';
import { MessageType } from './message-type.js';
import { type TrackNamespace, readNamespacePrefix, writeNamespacePrefix } from './track-name.js';
import { requireSupportedVersion } from './version.js';

export interface UnsubscribeNamespaceFields {
  readonly trackNamespacePrefix: TrackNamespace;
}

/** §UNSUBSCRIBE_NAMESPACE: ends a SUBSCRIBE_NAMESPACE, named by its prefix in draft-14. */
export class UnsubscribeNamespace implements UnsubscribeNamespaceFields {
  readonly kind = 'unsubscribe_namespace' as const;
  static readonly type = MessageType.UnsubscribeNamespace;
  readonly trackNamespacePrefix: TrackNamespace;

  constructor(fields: UnsubscribeNamespaceFields) {
    this.trackNamespacePrefix = fields.trackNamespacePrefix;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    writeNamespacePrefix(w, this.trackNamespacePrefix);
  }

  static decodePayload(r: Reader, version: number): UnsubscribeNamespace {
    requireSupportedVersion(version);
    return new UnsubscribeNamespace({ trackNamespacePrefix: readNamespacePrefix(r) });
  }
}
