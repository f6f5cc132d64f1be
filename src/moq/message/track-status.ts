import type { Reader, Writer } from '../../coding/index.js';
import type { SubscriptionFilter } from './filter-type.js';
import type { GroupOrder } from './group-order.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { type SubscribeFields, readSubscribeBody, writeSubscribeBody } from './subscribe.js';
import type { TrackNamespace } from './track-name.js';
import { requireSupportedVersion } from './version.js';

export type TrackStatusFields = SubscribeFields;

/** §TRACK_STATUS: asks for a track's status; the layout is SUBSCRIBE's. */
export class TrackStatus implements TrackStatusFields {
  readonly kind = 'track_status' as const;
  static readonly type = MessageType.TrackStatus;
  readonly requestId: number;
  readonly trackNamespace: TrackNamespace;
  readonly trackName: string;
  readonly subscriberPriority: number;
  readonly groupOrder: GroupOrder;
  readonly forward: boolean;
  readonly filter: SubscriptionFilter;
  readonly parameters: Parameters;

  constructor(fields: TrackStatusFields) {
    this.requestId = fields.requestId;
    this.trackNamespace = fields.trackNamespace;
    this.trackName = fields.trackName;
    this.subscriberPriority = fields.subscriberPriority;
    this.groupOrder = fields.groupOrder;
    this.forward = fields.forward;
    this.filter = fields.filter;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    writeSubscribeBody(w, this, version);
  }

  static decodePayload(r: Reader, version: number): TrackStatus {
    requireSupportedVersion(version);
    return new TrackStatus(readSubscribeBody(r, version));
  }
}
