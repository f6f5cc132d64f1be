import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { writeAsRequestError } from './request-error.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface SubscribeErrorFields {
  readonly requestId: number;
  /** A code from `SubscribeErrorCode`. */
  readonly errorCode: number;
  readonly reasonPhrase: string;
}

/** §SUBSCRIBE_ERROR: rejects a SUBSCRIBE. */
export class SubscribeError implements SubscribeErrorFields {
  readonly kind = 'subscribe_error' as const;
  static readonly type = MessageType.SubscribeError;
  readonly requestId: number;
  readonly errorCode: number;
  readonly reasonPhrase: string;

  constructor(fields: SubscribeErrorFields) {
    this.requestId = fields.requestId;
    this.errorCode = fields.errorCode;
    this.reasonPhrase = fields.reasonPhrase;
  }

  encodePayload(w: Writer, version: number): void {
    // Draft-16 §REQUEST_ERROR replaces the per-request error messages.
    if (isDraft16(version)) return writeAsRequestError(w, 'subscribe', this);
    requireSupportedVersion(version);
    w.varint(this.requestId).varint(this.errorCode);
    writeReasonPhrase(w, this.reasonPhrase);
  }

  static decodePayload(r: Reader, version: number): SubscribeError {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const errorCode = r.varint();
    return new SubscribeError({ requestId, errorCode, reasonPhrase: readReasonPhrase(r) });
  }
}
