import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { type TrackNamespace, readTrackNamespace, writeTrackNamespace } from './track-name.js';
import { keyEncodingOf, requireSupportedVersion } from './version.js';

export interface PublishNamespaceFields {
  readonly requestId: number;
  readonly trackNamespace: TrackNamespace;
  readonly parameters?: Parameters;
}

/** §PUBLISH_NAMESPACE: the publisher has tracks under this namespace. */
export class PublishNamespace implements PublishNamespaceFields {
  readonly kind = 'publish_namespace' as const;
  static readonly type = MessageType.PublishNamespace;
  readonly requestId: number;
  readonly trackNamespace: TrackNamespace;
  readonly parameters: Parameters;

  constructor(fields: PublishNamespaceFields) {
    this.requestId = fields.requestId;
    this.trackNamespace = fields.trackNamespace;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    w.varint(this.requestId);
    writeTrackNamespace(w, this.trackNamespace);
    this.parameters.encode(w, keyEncodingOf(version));
  }

  static decodePayload(r: Reader, version: number): PublishNamespace {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const trackNamespace = readTrackNamespace(r);
    const parameters = Parameters.decode(r, {
      authorization: true,
      keys: keyEncodingOf(version),
    });
    return new PublishNamespace({ requestId, trackNamespace, parameters });
  }
}
