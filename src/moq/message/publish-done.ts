import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { MessageType } from './message-type.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { requireSupportedVersion } from './version.js';

/** §PUBLISH_DONE: a publisher that cannot count its streams sends 2^62 - 1. */
export const STREAM_COUNT_UNKNOWN_WIRE = (1n << 62n) - 1n;

export interface PublishDoneFields {
  readonly requestId: number;
  /** A code from `PublishDoneCode`. */
  readonly statusCode: number;
  /** Data streams opened for the subscription, or 'unknown' (2^62 - 1 on the wire). */
  readonly streamCount: number | 'unknown';
  readonly reasonPhrase: string;
}

/** §PUBLISH_DONE: the publisher has finished a subscription. */
export class PublishDone implements PublishDoneFields {
  readonly kind = 'publish_done' as const;
  static readonly type = MessageType.PublishDone;
  readonly requestId: number;
  readonly statusCode: number;
  readonly streamCount: number | 'unknown';
  readonly reasonPhrase: string;

  constructor(fields: PublishDoneFields) {
    this.requestId = fields.requestId;
    this.statusCode = fields.statusCode;
    this.streamCount = fields.streamCount;
    this.reasonPhrase = fields.reasonPhrase;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    w.varint(this.requestId).varint(this.statusCode);
    if (this.streamCount === 'unknown') w.varintBig(STREAM_COUNT_UNKNOWN_WIRE);
    else w.varint(this.streamCount);
    writeReasonPhrase(w, this.reasonPhrase);
  }

  static decodePayload(r: Reader, version: number): PublishDone {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const statusCode = r.varint();
    const streamCount = readStreamCount(r);
    return new PublishDone({
      requestId,
      statusCode,
      streamCount,
      reasonPhrase: readReasonPhrase(r),
    });
  }
}

function readStreamCount(r: Reader): number | 'unknown' {
  const count = r.varintBig();
  if (count === STREAM_COUNT_UNKNOWN_WIRE) return 'unknown';
  if (count <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(count);
  throw MoqError.protocolViolation(`stream count ${count} out of range`);
}
