import type { Reader, Writer } from '../../coding/index.js';
import { MessageType } from './message-type.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { writeAsRequestError } from './request-error.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface TrackStatusErrorFields {
  readonly requestId: number;
  /** A code from `SubscribeErrorCode`. */
  readonly errorCode: number;
  readonly reasonPhrase: string;
}

/** §TRACK_STATUS_ERROR: rejects a TRACK_STATUS; same layout as SUBSCRIBE_ERROR. */
export class TrackStatusError implements TrackStatusErrorFields {
  readonly kind = 'track_status_error' as const;
  static readonly type = MessageType.TrackStatusError;
  readonly requestId: number;
  readonly errorCode: number;
  readonly reasonPhrase: string;

  constructor(fields: TrackStatusErrorFields) {
    this.requestId = fields.requestId;
    this.errorCode = fields.errorCode;
    this.reasonPhrase = fields.reasonPhrase;
  }

  encodePayload(w: Writer, version: number): void {
    // Draft-16 §REQUEST_ERROR replaces the per-request error messages.
    if (isDraft16(version)) return writeAsRequestError(w, 'track_status', this);
    requireSupportedVersion(version);
    w.varint(this.requestId).varint(this.errorCode);
    writeReasonPhrase(w, this.reasonPhrase);
  }

  static decodePayload(r: Reader, version: number): TrackStatusError {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const errorCode = r.varint();
    return new TrackStatusError({ requestId, errorCode, reasonPhrase: readReasonPhrase(r) });
  }
}
