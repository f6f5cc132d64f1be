import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { writeU8 } from './fields.js';
import { GroupOrder, readGroupOrder, writeGroupOrder } from './group-order.js';
import { type Location, readLocation, writeLocation } from './location.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { type TrackNamespace, readFullTrackName, writeFullTrackName } from './track-name.js';
import {
  D16_DEFAULT_SUBSCRIBER_PRIORITY,
  liftIntoParameters,
  lowerFromParameters,
} from './request-fields-d16.js';
import { isDraft16, requireSupportedVersion } from './version.js';

/** §FETCH Fetch Type. */
export const FetchType = {
  Standalone: 0x1,
  RelativeJoining: 0x2,
  AbsoluteJoining: 0x3,
} as const;
export type FetchType = (typeof FetchType)[keyof typeof FetchType];

/** What a FETCH asks for: a range of a named track, or a range joined to a subscription. */
export type FetchTarget =
  | {
      readonly type: typeof FetchType.Standalone;
      readonly trackNamespace: TrackNamespace;
      readonly trackName: string;
      readonly start: Location;
      /** As on the wire: the end Location plus 1; Object 0 asks for the whole End group. */
      readonly end: Location;
    }
  | {
      readonly type: typeof FetchType.RelativeJoining;
      readonly joiningRequestId: number;
      /** Groups before the subscription's Largest Location group. */
      readonly joiningStart: number;
    }
  | {
      readonly type: typeof FetchType.AbsoluteJoining;
      readonly joiningRequestId: number;
      /** The start group. */
      readonly joiningStart: number;
    };

export interface FetchFields {
  readonly requestId: number;
  readonly subscriberPriority: number;
  /** 0 asks for the publisher's order. */
  readonly groupOrder: GroupOrder;
  readonly target: FetchTarget;
  readonly parameters?: Parameters;
}

/** §FETCH: asks for already published objects (standalone or joining a subscription). */
export class Fetch implements FetchFields {
  readonly kind = 'fetch' as const;
  static readonly type = MessageType.Fetch;
  readonly requestId: number;
  readonly subscriberPriority: number;
  readonly groupOrder: GroupOrder;
  readonly target: FetchTarget;
  readonly parameters: Parameters;

  constructor(fields: FetchFields) {
    this.requestId = fields.requestId;
    this.subscriberPriority = fields.subscriberPriority;
    this.groupOrder = fields.groupOrder;
    this.target = fields.target;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    if (isDraft16(version)) {
      // Draft-16 §FETCH: priority and group order moved into the parameters.
      w.varint(this.requestId);
      writeTarget(w, this.target);
      liftIntoParameters(this, this.parameters).encode(w, 'delta');
      return;
    }
    requireSupportedVersion(version);
    w.varint(this.requestId);
    writeU8(w, this.subscriberPriority, 'subscriber priority');
    writeGroupOrder(w, this.groupOrder, true);
    writeTarget(w, this.target);
    this.parameters.encode(w);
  }

  static decodePayload(r: Reader, version: number): Fetch {
    if (isDraft16(version)) {
      const requestId = r.varint();
      const target = readTarget(r);
      const params = Parameters.decode(r, { authorization: true, keys: 'delta' });
      const lifted = lowerFromParameters(params);
      return new Fetch({
        requestId,
        subscriberPriority: lifted.subscriberPriority ?? D16_DEFAULT_SUBSCRIBER_PRIORITY,
        // §GROUP ORDER: "If omitted from FETCH, the receiver uses Ascending".
        groupOrder: lifted.groupOrder ?? GroupOrder.Ascending,
        target,
        parameters: lifted.rest,
      });
    }
    requireSupportedVersion(version);
    const requestId = r.varint();
    const subscriberPriority = r.u8();
    const groupOrder = readGroupOrder(r, true);
    const target = readTarget(r);
    const parameters = Parameters.decode(r, { authorization: true });
    return new Fetch({ requestId, subscriberPriority, groupOrder, target, parameters });
  }
}

function writeTarget(w: Writer, target: FetchTarget): void {
  w.varint(target.type);
  if (target.type === FetchType.Standalone) {
    writeFullTrackName(w, target.trackNamespace, target.trackName);
    writeLocation(w, target.start);
    writeLocation(w, target.end);
    return;
  }
  w.varint(target.joiningRequestId).varint(target.joiningStart);
}

function readTarget(r: Reader): FetchTarget {
  const type = r.varint();
  switch (type) {
    case FetchType.Standalone: {
      const { trackNamespace, trackName } = readFullTrackName(r);
      const start = readLocation(r);
      return { type, trackNamespace, trackName, start, end: readLocation(r) };
    }
    case FetchType.RelativeJoining:
    case FetchType.AbsoluteJoining: {
      const joiningRequestId = r.varint();
      return { type, joiningRequestId, joiningStart: r.varint() };
    }
    default:
      // §FETCH: any other Fetch Type closes the session with PROTOCOL_VIOLATION.
      throw MoqError.protocolViolation(`unknown fetch type ${type}`);
  }
}
