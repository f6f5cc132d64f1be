import { type Reader, type Writer, decodeUtf8 } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { MessageType } from './message-type.js';
import { requireSupportedVersion } from './version.js';

/** §GOAWAY: the New Session URI is at most 8,192 bytes. */
export const MAX_GOAWAY_URI_BYTES = 8192;

export interface GoAwayFields {
  /** Where to reconnect; empty means "reuse the current URI". */
  readonly newSessionUri: string;
}

/** §GOAWAY: the sender intends to close the session soon. */
export class GoAway implements GoAwayFields {
  readonly kind = 'go_away' as const;
  static readonly type = MessageType.GoAway;
  readonly newSessionUri: string;

  constructor(fields: GoAwayFields) {
    this.newSessionUri = fields.newSessionUri;
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    const bytes = new TextEncoder().encode(this.newSessionUri);
    checkLength(bytes.length);
    w.lengthPrefixedBytes(bytes);
  }

  static decodePayload(r: Reader, version: number): GoAway {
    requireSupportedVersion(version);
    const length = r.varint();
    checkLength(length);
    return new GoAway({ newSessionUri: decodeUtf8(r.bytes(length)) });
  }
}

function checkLength(lengthBytes: number): void {
  if (lengthBytes <= MAX_GOAWAY_URI_BYTES) return;
  throw MoqError.protocolViolation(`GOAWAY URI of ${lengthBytes} bytes exceeds 8192`);
}
