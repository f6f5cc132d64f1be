import type { Reader, Writer } from '../../coding/index.js';
import { readFlag, writeFlag } from './fields.js';
import { GroupOrder, readGroupOrder, writeGroupOrder } from './group-order.js';
import { readKeyValuePairsToEnd, writeKeyValuePairs } from './key-value-pair.js';
import { type Location, readLocation, writeLocation } from './location.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import {
  D16TrackExtension,
  liftIntoParameters,
  lowerFromParameters,
} from './request-fields-d16.js';
import { Version, isDraft16, requireSupportedVersion } from './version.js';

export interface SubscribeOkFields {
  readonly requestId: number;
  readonly trackAlias: number;
  /** 0 = does not expire (or expires at an unknown time). */
  readonly expiresMs: number;
  /** Ascending or Descending; 0 is not allowed in a response. */
  readonly groupOrder: GroupOrder;
  /** Present exactly when Content Exists is 1. */
  readonly largestLocation?: Location | undefined;
  readonly parameters?: Parameters;
}

type Body = Omit<Required<SubscribeOkFields>, 'largestLocation'> & {
  readonly largestLocation: Location | undefined;
};

/** The SUBSCRIBE_OK layout, shared with TRACK_STATUS_OK (§TRACK_STATUS_OK: "identical"). */
export function writeSubscribeOkBody(w: Writer, m: Body, version: number = Version.DRAFT_14): void {
  if (isDraft16(version)) {
    // Draft-16 §SUBSCRIBE_OK: EXPIRES and LARGEST_OBJECT are parameters; the group order is the
    // DEFAULT_PUBLISHER_GROUP_ORDER Track Extension that ends the message.
    w.varint(m.requestId).varint(m.trackAlias);
    liftIntoParameters(m, m.parameters).encode(w, 'delta');
    const order = { type: D16TrackExtension.DefaultPublisherGroupOrder, value: m.groupOrder };
    writeKeyValuePairs(w, [order], 'delta');
    return;
  }
  w.varint(m.requestId).varint(m.trackAlias).varint(m.expiresMs);
  writeGroupOrder(w, m.groupOrder, false);
  writeFlag(w, m.largestLocation !== undefined);
  if (m.largestLocation) writeLocation(w, m.largestLocation);
  m.parameters.encode(w);
}

export function readSubscribeOkBody(r: Reader, version: number = Version.DRAFT_14): Body {
  const requestId = r.varint();
  const trackAlias = r.varint();
  if (isDraft16(version)) {
    const lifted = lowerFromParameters(Parameters.decode(r, { keys: 'delta' }));
    const extensions = readKeyValuePairsToEnd(r, 'delta');
    const order = extensions.find((e) => e.type === D16TrackExtension.DefaultPublisherGroupOrder);
    return {
      requestId,
      trackAlias,
      expiresMs: lifted.expiresMs ?? 0,
      // §DEFAULT PUBLISHER GROUP ORDER: absent means Ascending.
      groupOrder:
        order?.value === GroupOrder.Descending ? GroupOrder.Descending : GroupOrder.Ascending,
      largestLocation: lifted.largestLocation,
      parameters: lifted.rest,
    };
  }
  const expiresMs = r.varint();
  const groupOrder = readGroupOrder(r, false);
  const largestLocation = readFlag(r, 'Content Exists') ? readLocation(r) : undefined;
  const parameters = Parameters.decode(r);
  return { requestId, trackAlias, expiresMs, groupOrder, largestLocation, parameters };
}

/** §SUBSCRIBE_OK: accepts a SUBSCRIBE and names the Track Alias for its data. */
export class SubscribeOk implements SubscribeOkFields {
  readonly kind = 'subscribe_ok' as const;
  static readonly type = MessageType.SubscribeOk;
  readonly requestId: number;
  readonly trackAlias: number;
  readonly expiresMs: number;
  readonly groupOrder: GroupOrder;
  readonly largestLocation: Location | undefined;
  readonly parameters: Parameters;

  constructor(fields: SubscribeOkFields) {
    this.requestId = fields.requestId;
    this.trackAlias = fields.trackAlias;
    this.expiresMs = fields.expiresMs;
    this.groupOrder = fields.groupOrder;
    this.largestLocation = fields.largestLocation;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    requireSupportedVersion(version);
    writeSubscribeOkBody(w, this, version);
  }

  static decodePayload(r: Reader, version: number): SubscribeOk {
    requireSupportedVersion(version);
    return new SubscribeOk(readSubscribeOkBody(r, version));
  }
}
