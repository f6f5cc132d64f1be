import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { MessageType } from './message-type.js';
import { type TrackNamespace, readTrackNamespace, writeTrackNamespace } from './track-name.js';
import { isDraft16 } from './version.js';

/** Draft-16 (§PUBLISH_NAMESPACE_DONE/CANCEL) refers to the namespace by its Request ID. */
export function requireRequestId(requestId: number | undefined): number {
  if (requestId !== undefined) return requestId;
  throw MoqError.protocolViolation('draft-16 needs the PUBLISH_NAMESPACE request id');
}

export interface PublishNamespaceDoneFields {
  /** Draft-14 names the namespace; draft-16 the PUBLISH_NAMESPACE's Request ID (both kept). */
  readonly trackNamespace: TrackNamespace;
  readonly requestId?: number | undefined;
}

/** §PUBLISH_NAMESPACE_DONE: the publisher withdraws a namespace. */
export class PublishNamespaceDone implements PublishNamespaceDoneFields {
  readonly kind = 'publish_namespace_done' as const;
  static readonly type = MessageType.PublishNamespaceDone;
  readonly trackNamespace: TrackNamespace;
  readonly requestId: number | undefined;

  constructor(fields: PublishNamespaceDoneFields) {
    this.trackNamespace = fields.trackNamespace;
    this.requestId = fields.requestId;
  }

  encodePayload(w: Writer, version: number): void {
    if (isDraft16(version)) return void w.varint(requireRequestId(this.requestId));
    writeTrackNamespace(w, this.trackNamespace);
  }

  static decodePayload(r: Reader, version: number): PublishNamespaceDone {
    if (isDraft16(version))
      return new PublishNamespaceDone({ trackNamespace: [], requestId: r.varint() });
    return new PublishNamespaceDone({ trackNamespace: readTrackNamespace(r) });
  }
}
