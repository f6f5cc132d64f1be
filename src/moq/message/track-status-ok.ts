import type { Reader, Writer } from '../../coding/index.js';
import type { GroupOrder } from './group-order.js';
import type { Location } from './location.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import {
  type SubscribeOkFields,
  readSubscribeOkBody,
  writeSubscribeOkBody,
} from './subscribe-ok.js';
import { liftIntoParameters } from './request-fields-d16.js';
import { RequestOk } from './request-ok.js';
import { isDraft16, requireSupportedVersion } from './version.js';

/** Track Alias is sent as 0 (§TRACK_STATUS_OK). */
export type TrackStatusOkFields = SubscribeOkFields;

/** §TRACK_STATUS_OK: answers TRACK_STATUS; the layout is SUBSCRIBE_OK's. */
export class TrackStatusOk implements TrackStatusOkFields {
  readonly kind = 'track_status_ok' as const;
  static readonly type = MessageType.TrackStatusOk;
  readonly requestId: number;
  readonly trackAlias: number;
  readonly expiresMs: number;
  readonly groupOrder: GroupOrder;
  readonly largestLocation: Location | undefined;
  readonly parameters: Parameters;

  constructor(fields: TrackStatusOkFields) {
    this.requestId = fields.requestId;
    this.trackAlias = fields.trackAlias;
    this.expiresMs = fields.expiresMs;
    this.groupOrder = fields.groupOrder;
    this.largestLocation = fields.largestLocation;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    if (isDraft16(version)) {
      // Draft-16 §TRACK_STATUS: the answer is REQUEST_OK carrying LARGEST_OBJECT (and EXPIRES).
      const parameters = liftIntoParameters(this, this.parameters);
      return new RequestOk({ requestId: this.requestId, parameters }).encodePayload(w, version);
    }
    requireSupportedVersion(version);
    writeSubscribeOkBody(w, this);
  }

  static decodePayload(r: Reader, version: number): TrackStatusOk {
    requireSupportedVersion(version);
    return new TrackStatusOk(readSubscribeOkBody(r));
  }
}
