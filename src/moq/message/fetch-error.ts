import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { writeAsRequestError } from './request-error.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface FetchErrorFields {
  readonly requestId: number;
  /** A code from `FetchErrorCode`. */
  readonly errorCode: number;
  readonly reasonPhrase: string;
}

/** §FETCH_ERROR: rejects a FETCH. */
export class FetchError implements FetchErrorFields {
  readonly kind = 'fetch_error' as const;
  static readonly type = MessageType.FetchError;
  readonly requestId: number;
  readonly errorCode: number;
  readonly reasonPhrase: string;

  constructor(fields: FetchErrorFields) {
    this.requestId = fields.requestId;
    this.errorCode = fields.errorCode;
    this.reasonPhrase = fields.reasonPhrase;
  }

  encodePayload(w: Writer, version: number): void {
    // Draft-16 §REQUEST_ERROR replaces the per-request error messages.
    if (isDraft16(version)) return writeAsRequestError(w, 'fetch', this);
    requireSupportedVersion(version);
    w.varint(this.requestId).varint(this.errorCode);
    writeReasonPhrase(w, this.reasonPhrase);
  }

  static decodePayload(r: Reader, version: number): FetchError {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const errorCode = r.varint();
    return new FetchError({ requestId, errorCode, reasonPhrase: readReasonPhrase(r) });
  }
}
