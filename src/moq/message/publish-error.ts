import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { writeAsRequestError } from './request-error.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface PublishErrorFields {
  readonly requestId: number;
  /** A code from `PublishErrorCode`. */
  readonly errorCode: number;
  readonly reasonPhrase: string;
}

/** §PUBLISH_ERROR: the subscriber rejects a PUBLISH. */
export class PublishError implements PublishErrorFields {
  readonly kind = 'publish_error' as const;
  static readonly type = MessageType.PublishError;
  readonly requestId: number;
  readonly errorCode: number;
  readonly reasonPhrase: string;

  constructor(fields: PublishErrorFields) {
    this.requestId = fields.requestId;
    this.errorCode = fields.errorCode;
    this.reasonPhrase = fields.reasonPhrase;
  }

  encodePayload(w: Writer, version: number): void {
    // Draft-16 §REQUEST_ERROR replaces the per-request error messages.
    if (isDraft16(version)) return writeAsRequestError(w, 'publish', this);
    requireSupportedVersion(version);
    w.varint(this.requestId).varint(this.errorCode);
    writeReasonPhrase(w, this.reasonPhrase);
  }

  static decodePayload(r: Reader, version: number): PublishError {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const errorCode = r.varint();
    return new PublishError({ requestId, errorCode, reasonPhrase: readReasonPhrase(r) });
  }
}
