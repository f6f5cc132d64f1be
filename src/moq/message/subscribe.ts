import type { Reader, Writer } from '../../coding/index.js';
import { readFlag, writeFlag, writeU8 } from './fields.js';
import {
  type SubscriptionFilter,
  readSubscriptionFilter,
  writeSubscriptionFilter,
} from './filter-type.js';
import { GroupOrder, readGroupOrder, writeGroupOrder } from './group-order.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { type TrackNamespace, readFullTrackName, writeFullTrackName } from './track-name.js';
import {
  D16_DEFAULT_SUBSCRIBER_PRIORITY,
  D16_UNFILTERED,
  liftIntoParameters,
  lowerFromParameters,
} from './request-fields-d16.js';
import { Version, isDraft16, requireSupportedVersion } from './version.js';

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
export function writeSubscribeBody(
  w: Writer,
  m: Required<SubscribeFields>,
  version: number = Version.DRAFT_14,
): void {
  w.varint(m.requestId);
  if (isDraft16(version)) {
    // Draft-16 §SUBSCRIBE: name, then parameters; priority, order, forward, filter among them.
    writeFullTrackName(w, m.trackNamespace, m.trackName);
    liftIntoParameters(m, m.parameters).encode(w, 'delta');
    return;
  }
  writeFullTrackName(w, m.trackNamespace, m.trackName);
  writeU8(w, m.subscriberPriority, 'subscriber priority');
  writeGroupOrder(w, m.groupOrder, true);
  writeFlag(w, m.forward);
  writeSubscriptionFilter(w, m.filter);
  m.parameters.encode(w);
}

export function readSubscribeBody(
  r: Reader,
  version: number = Version.DRAFT_14,
): Required<SubscribeFields> {
  const requestId = r.varint();
  const { trackNamespace, trackName } = readFullTrackName(r);
  if (isDraft16(version)) {
    const params = Parameters.decode(r, { authorization: true, keys: 'delta' });
    const lifted = lowerFromParameters(params);
    return {
      requestId,
      trackNamespace,
      trackName,
      subscriberPriority: lifted.subscriberPriority ?? D16_DEFAULT_SUBSCRIBER_PRIORITY,
      groupOrder: lifted.groupOrder ?? GroupOrder.Publisher,
      forward: lifted.forward ?? true,
      filter: lifted.filter ?? D16_UNFILTERED,
      parameters: lifted.rest,
    };
  }
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
    writeSubscribeBody(w, this, version);
  }

  static decodePayload(r: Reader, version: number): Subscribe {
    requireSupportedVersion(version);
    return new Subscribe(readSubscribeBody(r, version));
  }
}
