import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { writeAsRequestError } from './request-error.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface SubscribeNamespaceErrorFields {
  readonly requestId: number;
  /** A code from `SubscribeNamespaceErrorCode`. */
  readonly errorCode: number;
  readonly reasonPhrase: string;
}

/** §SUBSCRIBE_NAMESPACE_ERROR: rejects a SUBSCRIBE_NAMESPACE. */
export class SubscribeNamespaceError implements SubscribeNamespaceErrorFields {
  readonly kind = 'subscribe_namespace_error' as const;
  static readonly type = MessageType.SubscribeNamespaceError;
  readonly requestId: number;
  readonly errorCode: number;
  readonly reasonPhrase: string;

  constructor(fields: SubscribeNamespaceErrorFields) {
    this.requestId = fields.requestId;
    this.errorCode = fields.errorCode;
    this.reasonPhrase = fields.reasonPhrase;
  }

  encodePayload(w: Writer, version: number): void {
    // Draft-16 §REQUEST_ERROR replaces the per-request error messages.
    if (isDraft16(version)) return writeAsRequestError(w, 'subscribe_namespace', this);
    requireSupportedVersion(version);
    w.varint(this.requestId).varint(this.errorCode);
    writeReasonPhrase(w, this.reasonPhrase);
  }

  static decodePayload(r: Reader, version: number): SubscribeNamespaceError {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const errorCode = r.varint();
    return new SubscribeNamespaceError({ requestId, errorCode, reasonPhrase: readReasonPhrase(r) });
  }
}
