import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { readFlag, writeFlag, writeU8 } from './fields.js';
import { type Location, readLocation, writeLocation } from './location.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { FilterType, type SubscriptionFilter } from './filter-type.js';
import {
  D16_DEFAULT_SUBSCRIBER_PRIORITY,
  liftIntoParameters,
  lowerFromParameters,
} from './request-fields-d16.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface SubscribeUpdateFields {
  readonly requestId: number;
  /** The Request ID of the SUBSCRIBE being narrowed. */
  readonly subscriptionRequestId: number;
  readonly start: Location;
  /**
   * Inclusive end group, or undefined for open-ended. On the wire this is End Group + 1 with
   * 0 meaning open-ended (§SUBSCRIBE_UPDATE); the codec does the +1 / -1.
   */
  readonly endGroup?: number | undefined;
  readonly subscriberPriority: number;
  readonly forward: boolean;
  readonly parameters?: Parameters;
}

/** §SUBSCRIBE_UPDATE: narrows an existing subscription. */
export class SubscribeUpdate implements SubscribeUpdateFields {
  readonly kind = 'subscribe_update' as const;
  static readonly type = MessageType.SubscribeUpdate;
  readonly requestId: number;
  readonly subscriptionRequestId: number;
  readonly start: Location;
  readonly endGroup: number | undefined;
  readonly subscriberPriority: number;
  readonly forward: boolean;
  readonly parameters: Parameters;

  constructor(fields: SubscribeUpdateFields) {
    this.requestId = fields.requestId;
    this.subscriptionRequestId = fields.subscriptionRequestId;
    this.start = fields.start;
    this.endGroup = fields.endGroup;
    this.subscriberPriority = fields.subscriberPriority;
    this.forward = fields.forward;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    if (isDraft16(version)) {
      // Draft-16 §REQUEST_UPDATE: the new range is an AbsoluteStart/AbsoluteRange filter.
      w.varint(this.requestId).varint(this.subscriptionRequestId);
      const filter: SubscriptionFilter =
        this.endGroup === undefined
          ? { type: FilterType.AbsoluteStart, start: this.start }
          : { type: FilterType.AbsoluteRange, start: this.start, endGroup: this.endGroup };
      liftIntoParameters({ ...this, filter }, this.parameters).encode(w, 'delta');
      return;
    }
    requireSupportedVersion(version);
    w.varint(this.requestId).varint(this.subscriptionRequestId);
    writeLocation(w, this.start);
    w.varint(encodeEndGroup(this.endGroup));
    writeU8(w, this.subscriberPriority, 'subscriber priority');
    writeFlag(w, this.forward);
    this.parameters.encode(w);
  }

  static decodePayload(r: Reader, version: number): SubscribeUpdate {
    if (isDraft16(version)) return decodeRequestUpdate(r);
    requireSupportedVersion(version);
    const requestId = r.varint();
    const subscriptionRequestId = r.varint();
    const start = readLocation(r);
    const endGroupPlusOne = r.varint();
    const subscriberPriority = r.u8();
    const forward = readFlag(r, 'Forward');
    const parameters = Parameters.decode(r, { authorization: true });
    return new SubscribeUpdate({
      requestId,
      subscriptionRequestId,
      start,
      endGroup: endGroupPlusOne === 0 ? undefined : endGroupPlusOne - 1,
      subscriberPriority,
      forward,
      parameters,
    });
  }
}

/**
 * Draft-16 REQUEST_UPDATE: what it leaves out stays as it was. Our publisher takes the update
 * whole, so absent fields become "no narrowing": start {0,0}, open end, priority 128, forward.
 */
function decodeRequestUpdate(r: Reader): SubscribeUpdate {
  const requestId = r.varint();
  const subscriptionRequestId = r.varint();
  const lifted = lowerFromParameters(Parameters.decode(r, { authorization: true, keys: 'delta' }));
  const filter = lifted.filter;
  const hasStart =
    filter?.type === FilterType.AbsoluteStart || filter?.type === FilterType.AbsoluteRange;
  return new SubscribeUpdate({
    requestId,
    subscriptionRequestId,
    start: hasStart ? filter.start : { group: 0, object: 0 },
    endGroup: filter?.type === FilterType.AbsoluteRange ? filter.endGroup : undefined,
    subscriberPriority: lifted.subscriberPriority ?? D16_DEFAULT_SUBSCRIBER_PRIORITY,
    forward: lifted.forward ?? true,
    parameters: lifted.rest,
  });
}

function encodeEndGroup(endGroup: number | undefined): number {
  if (endGroup === undefined) return 0;
  if (endGroup >= Number.MAX_SAFE_INTEGER) {
    throw MoqError.protocolViolation(`end group ${endGroup} too large`);
  }
  return endGroup + 1;
}
