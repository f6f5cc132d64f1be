import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { type TrackNamespace, readTrackNamespace, writeTrackNamespace } from './track-name.js';
import { requireSupportedVersion } from './version.js';

export interface PublishNamespaceDoneFields {
  readonly trackNamespace: TrackNamespace;
}

/** §PUBLISH_NAMESPACE_DONE: the publisher withdraws a namespace. */
export class PublishNamespaceDone implements PublishNamespaceDoneFields {
  readonly kind = 'publish_namespace_done' as const;
  static readonly type = MessageType.PublishNamespaceDone;
  readonly trackNamespace: TrackNamespace;

  constructor(fields: PublishNamespaceDoneFields) {
    this.trackNamespace = fields.trackNamespace;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    writeTrackNamespace(w, this.trackNamespace);
  }

  static decodePayload(r: Reader, version: number): PublishNamespaceDone {
    requireSupportedVersion(version);
    return new PublishNamespaceDone({ trackNamespace: readTrackNamespace(r) });
  }
}
