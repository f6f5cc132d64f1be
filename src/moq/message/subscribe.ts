import type { Reader, Writer } from '../../coding/index.js';
import { readFlag, writeFlag, writeU8 } from './fields.js';
import {
  type SubscriptionFilter,
  readSubscriptionFilter,
  writeSubscriptionFilter,
} from './filter-type.js';
import { type GroupOrder, readGroupOrder, writeGroupOrder } from './group-order.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { type TrackNamespace, readFullTrackName, writeFullTrackName } from './track-name.js';
import { requireSupportedVersion } from './version.js';

export interface SubscribeFields {
  readonly requestId: number;
  readonly trackNamespace: TrackNamespace;
  readonly trackName: string;
  /** 0..255, lower is more important. */
  readonly subscriberPriority: number;
  /** 0 asks for the publisher's order. */
  readonly groupOrder: GroupOrder;
  readonly forward: boolean;
  readonly filter: SubscriptionFilter;
  readonly parameters?: Parameters;
}

/** The SUBSCRIBE layout, shared with TRACK_STATUS (§TRACK_STATUS: "identical"). */
export function writeSubscribeBody(w: Writer, m: Required<SubscribeFields>): void {
  w.varint(m.requestId);
  writeFullTrackName(w, m.trackNamespace, m.trackName);
  writeU8(w, m.subscriberPriority, 'subscriber priority');
  writeGroupOrder(w, m.groupOrder, true);
  writeFlag(w, m.forward);
  writeSubscriptionFilter(w, m.filter);
  m.parameters.encode(w);
}

export function readSubscribeBody(r: Reader): Required<SubscribeFields> {
  const requestId = r.varint();
  const { trackNamespace, trackName } = readFullTrackName(r);
  const subscriberPriority = r.u8();
  const groupOrder = readGroupOrder(r, true);
  const forward = readFlag(r, 'Forward');
  const filter = readSubscriptionFilter(r);
  const parameters = Parameters.decode(r, { authorization: true });
  return {
    requestId,
    trackNamespace,
    trackName,
    subscriberPriority,
    groupOrder,
    forward,
    filter,
    parameters,
  };
}

/** §SUBSCRIBE: asks for newly published objects of a track. */
export class Subscribe implements SubscribeFields {
  readonly kind = 'subscribe' as const;
  static readonly type = MessageType.Subscribe;
  readonly requestId: number;
  readonly trackNamespace: TrackNamespace;
  readonly trackName: string;
  readonly subscriberPriority: number;
  readonly groupOrder: GroupOrder;
  readonly forward: boolean;
  readonly filter: SubscriptionFilter;
  readonly parameters: Parameters;

  constructor(fields: SubscribeFields) {
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
    writeSubscribeBody(w, this);
  }

  static decodePayload(r: Reader, version: number): Subscribe {
    requireSupportedVersion(version);
    return new Subscribe(readSubscribeBody(r));
  }
}
