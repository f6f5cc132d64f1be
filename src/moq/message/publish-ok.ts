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
import {
  D16_DEFAULT_SUBSCRIBER_PRIORITY,
  D16_UNFILTERED,
  liftIntoParameters,
  lowerFromParameters,
} from './request-fields-d16.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface PublishOkFields {
  readonly requestId: number;
  readonly forward: boolean;
  readonly subscriberPriority: number;
  /** Ascending or Descending; overrides PUBLISH's order. 0 is a protocol error here. */
  readonly groupOrder: GroupOrder;
  readonly filter: SubscriptionFilter;
  readonly parameters?: Parameters;
}

/** §PUBLISH_OK: the subscriber accepts a PUBLISH. */
export class PublishOk implements PublishOkFields {
  readonly kind = 'publish_ok' as const;
  static readonly type = MessageType.PublishOk;
  readonly requestId: number;
  readonly forward: boolean;
  readonly subscriberPriority: number;
  readonly groupOrder: GroupOrder;
  readonly filter: SubscriptionFilter;
  readonly parameters: Parameters;

  constructor(fields: PublishOkFields) {
    this.requestId = fields.requestId;
    this.forward = fields.forward;
    this.subscriberPriority = fields.subscriberPriority;
    this.groupOrder = fields.groupOrder;
    this.filter = fields.filter;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    if (isDraft16(version)) {
      // Draft-16 §PUBLISH_OK: every field but the Request ID is a parameter.
      w.varint(this.requestId);
      liftIntoParameters(this, this.parameters).encode(w, 'delta');
      return;
    }
    requireSupportedVersion(version);
    w.varint(this.requestId);
    writeFlag(w, this.forward);
    writeU8(w, this.subscriberPriority, 'subscriber priority');
    writeGroupOrder(w, this.groupOrder, false);
    writeSubscriptionFilter(w, this.filter);
    this.parameters.encode(w);
  }

  static decodePayload(r: Reader, version: number): PublishOk {
    if (isDraft16(version)) {
      const requestId = r.varint();
      const lifted = lowerFromParameters(Parameters.decode(r, { keys: 'delta' }));
      return new PublishOk({
        requestId,
        forward: lifted.forward ?? true,
        subscriberPriority: lifted.subscriberPriority ?? D16_DEFAULT_SUBSCRIBER_PRIORITY,
        groupOrder: lifted.groupOrder ?? GroupOrder.Ascending,
        filter: lifted.filter ?? D16_UNFILTERED,
        parameters: lifted.rest,
      });
    }
    requireSupportedVersion(version);
    const requestId = r.varint();
    const forward = readFlag(r, 'Forward');
    const subscriberPriority = r.u8();
    const groupOrder = readGroupOrder(r, false);
    const filter = readSubscriptionFilter(r);
    const parameters = Parameters.decode(r);
    return new PublishOk({
      requestId,
      forward,
      subscriberPriority,
      groupOrder,
      filter,
      parameters,
    });
  }
}
