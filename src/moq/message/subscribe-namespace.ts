import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { type TrackNamespace, readNamespacePrefix, writeNamespacePrefix } from './track-name.js';
import { isDraft16, keyEncodingOf, requireSupportedVersion } from './version.js';

/** Draft-16 §SUBSCRIBE_NAMESPACE Subscribe Options: what the subscriber wants sent. */
export const NamespaceSubscribeOptions = { Publish: 0x0, Namespace: 0x1, Both: 0x2 } as const;
export type NamespaceSubscribeOptions =
  (typeof NamespaceSubscribeOptions)[keyof typeof NamespaceSubscribeOptions];

export interface SubscribeNamespaceFields {
  readonly requestId: number;
  /** 1..32 fields, like a namespace (§SUBSCRIBE_NAMESPACE). */
  readonly trackNamespacePrefix: TrackNamespace;
  /** Draft-16 only (draft-14 has no such field and means NAMESPACE); default NAMESPACE. */
  readonly subscribeOptions?: NamespaceSubscribeOptions;
  readonly parameters?: Parameters;
}

/** §SUBSCRIBE_NAMESPACE: asks for PUBLISH_NAMESPACE/PUBLISH under a prefix. */
export class SubscribeNamespace implements SubscribeNamespaceFields {
  readonly kind = 'subscribe_namespace' as const;
  static readonly type = MessageType.SubscribeNamespace;
  readonly requestId: number;
  readonly trackNamespacePrefix: TrackNamespace;
  readonly subscribeOptions: NamespaceSubscribeOptions;
  readonly parameters: Parameters;

  constructor(fields: SubscribeNamespaceFields) {
    this.requestId = fields.requestId;
    this.trackNamespacePrefix = fields.trackNamespacePrefix;
    this.subscribeOptions = fields.subscribeOptions ?? NamespaceSubscribeOptions.Namespace;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    w.varint(this.requestId);
    writeNamespacePrefix(w, this.trackNamespacePrefix);
    if (isDraft16(version)) w.varint(this.subscribeOptions);
    this.parameters.encode(w, keyEncodingOf(version));
  }

  static decodePayload(r: Reader, version: number): SubscribeNamespace {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const trackNamespacePrefix = readNamespacePrefix(r);
    const subscribeOptions = isDraft16(version) ? readSubscribeOptions(r) : undefined;
    const parameters = Parameters.decode(r, {
      authorization: true,
      keys: keyEncodingOf(version),
    });
    return new SubscribeNamespace({
      requestId,
      trackNamespacePrefix,
      subscribeOptions,
      parameters,
    });
  }
}

function readSubscribeOptions(r: Reader): NamespaceSubscribeOptions {
  const value = r.varint();
  if (value > NamespaceSubscribeOptions.Both) {
    throw MoqError.protocolViolation(`SUBSCRIBE_NAMESPACE options ${value} (0..2)`);
  }
  return value as NamespaceSubscribeOptions;
}
