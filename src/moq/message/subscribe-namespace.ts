import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { type TrackNamespace, readNamespacePrefix, writeNamespacePrefix } from './track-name.js';
import { keyEncodingOf, requireSupportedVersion } from './version.js';

export interface SubscribeNamespaceFields {
  readonly requestId: number;
  /** 1..32 fields, like a namespace (§SUBSCRIBE_NAMESPACE). */
  readonly trackNamespacePrefix: TrackNamespace;
  readonly parameters?: Parameters;
}

/** §SUBSCRIBE_NAMESPACE: asks for PUBLISH_NAMESPACE/PUBLISH under a prefix. */
export class SubscribeNamespace implements SubscribeNamespaceFields {
  readonly kind = 'subscribe_namespace' as const;
  static readonly type = MessageType.SubscribeNamespace;
  readonly requestId: number;
  readonly trackNamespacePrefix: TrackNamespace;
  readonly parameters: Parameters;

  constructor(fields: SubscribeNamespaceFields) {
    this.requestId = fields.requestId;
    this.trackNamespacePrefix = fields.trackNamespacePrefix;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    w.varint(this.requestId);
    writeNamespacePrefix(w, this.trackNamespacePrefix);
    this.parameters.encode(w, keyEncodingOf(version));
  }

  static decodePayload(r: Reader, version: number): SubscribeNamespace {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const trackNamespacePrefix = readNamespacePrefix(r);
    const parameters = Parameters.decode(r, {
      authorization: true,
      keys: keyEncodingOf(version),
    });
    return new SubscribeNamespace({ requestId, trackNamespacePrefix, parameters });
  }
}
