import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { Parameters } from './parameters.js';
import { isDraft16 } from './version.js';

/** Draft-16 type of REQUEST_OK: the number draft-14 gave PUBLISH_NAMESPACE_OK. */
export const REQUEST_OK_TYPE = 0x07;

export interface RequestOkFields {
  readonly requestId: number;
  readonly parameters?: Parameters;
}

/**
 * Draft-16 §REQUEST_OK as it comes off the wire (the answer to PUBLISH_NAMESPACE, TRACK_STATUS,
 * REQUEST_UPDATE, SUBSCRIBE_NAMESPACE); the session turns it into the draft-14 answer.
 */
export class RequestOk implements RequestOkFields {
  readonly kind = 'request_ok' as const;
  static readonly type = REQUEST_OK_TYPE;
  readonly requestId: number;
  readonly parameters: Parameters;

  constructor(fields: RequestOkFields) {
    this.requestId = fields.requestId;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    requireDraft16(version);
    w.varint(this.requestId);
    this.parameters.encode(w, 'delta');
  }

  static decodePayload(r: Reader, version: number): RequestOk {
    requireDraft16(version);
    const requestId = r.varint();
    return new RequestOk({ requestId, parameters: Parameters.decode(r, { keys: 'delta' }) });
  }
}

function requireDraft16(version: number): void {
  if (!isDraft16(version))
    throw MoqError.protocolViolation('REQUEST_OK exists only from draft-15 on');
}
