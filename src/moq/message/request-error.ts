import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { type RequestErrorKind, toDraft16ErrorCode } from './request-error-code.js';
import { Version, isDraft16 } from './version.js';

/** Draft-16 type of REQUEST_ERROR: the number draft-14 gave SUBSCRIBE_ERROR. */
export const REQUEST_ERROR_TYPE = 0x05;

export interface RequestErrorFields {
  readonly requestId: number;
  /** A draft-16 REQUEST_ERROR code. */
  readonly errorCode: number;
  /** 0 = do not retry; otherwise retry after (value - 1) ms (draft-16 §REQUEST_ERROR). */
  readonly retryInterval: number;
  readonly reasonPhrase: string;
}

/**
 * Draft-16 §REQUEST_ERROR as it comes off the wire, before the session knows which request it
 * answers; the session turns it into the per-request error (SUBSCRIBE_ERROR, …) draft-14 has.
 */
export class RequestError implements RequestErrorFields {
  readonly kind = 'request_error' as const;
  static readonly type = REQUEST_ERROR_TYPE;
  readonly requestId: number;
  readonly errorCode: number;
  readonly retryInterval: number;
  readonly reasonPhrase: string;

  constructor(fields: RequestErrorFields) {
    this.requestId = fields.requestId;
    this.errorCode = fields.errorCode;
    this.retryInterval = fields.retryInterval;
    this.reasonPhrase = fields.reasonPhrase;
  }

  encodePayload(w: Writer, version: number): void {
    requireDraft16(version);
    w.varint(this.requestId).varint(this.errorCode).varint(this.retryInterval);
    writeReasonPhrase(w, this.reasonPhrase);
  }

  static decodePayload(r: Reader, version: number): RequestError {
    requireDraft16(version);
    const requestId = r.varint();
    const errorCode = r.varint();
    const retryInterval = r.varint();
    return new RequestError({
      requestId,
      errorCode,
      retryInterval,
      reasonPhrase: readReasonPhrase(r),
    });
  }
}

/** A per-request error of draft-14's shape, written as draft-16's REQUEST_ERROR. */
export function writeAsRequestError(
  w: Writer,
  kind: RequestErrorKind,
  m: { readonly requestId: number; readonly errorCode: number; readonly reasonPhrase: string },
): void {
  const errorCode = toDraft16ErrorCode(kind, m.errorCode);
  new RequestError({ ...m, errorCode, retryInterval: 0 }).encodePayload(w, Version.DRAFT_16);
}

function requireDraft16(version: number): void {
  if (!isDraft16(version)) {
    throw MoqError.protocolViolation('REQUEST_ERROR exists only from draft-15 on');
  }
}
