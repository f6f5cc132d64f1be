import type { Reader, Writer } from '../../coding/index.js';
import { readFlag, writeFlag } from './fields.js';
import { GroupOrder, readGroupOrder, writeGroupOrder } from './group-order.js';
import { readKeyValuePairsToEnd, writeKeyValuePairs } from './key-value-pair.js';
import { type Location, readLocation, writeLocation } from './location.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { type TrackNamespace, readFullTrackName, writeFullTrackName } from './track-name.js';
import {
  D16TrackExtension,
  liftIntoParameters,
  lowerFromParameters,
} from './request-fields-d16.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface PublishFields {
  readonly requestId: number;
  readonly trackNamespace: TrackNamespace;
  readonly trackName: string;
  readonly trackAlias: number;
  /** Ascending or Descending; 0 is a protocol error here. */
  readonly groupOrder: GroupOrder;
  /** Present exactly when Content Exists is 1. */
  readonly largestLocation?: Location | undefined;
  readonly forward: boolean;
  readonly parameters?: Parameters;
}

/** §PUBLISH: the publisher starts a subscription on the subscriber's behalf. */
export class Publish implements PublishFields {
  readonly kind = 'publish' as const;
  static readonly type = MessageType.Publish;
  readonly requestId: number;
  readonly trackNamespace: TrackNamespace;
  readonly trackName: string;
  readonly trackAlias: number;
  readonly groupOrder: GroupOrder;
  readonly largestLocation: Location | undefined;
  readonly forward: boolean;
  readonly parameters: Parameters;

  constructor(fields: PublishFields) {
    this.requestId = fields.requestId;
    this.trackNamespace = fields.trackNamespace;
    this.trackName = fields.trackName;
    this.trackAlias = fields.trackAlias;
    this.groupOrder = fields.groupOrder;
    this.largestLocation = fields.largestLocation;
    this.forward = fields.forward;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    if (isDraft16(version)) {
      // Draft-16 §PUBLISH: forward and largest are parameters, group order a Track Extension.
      w.varint(this.requestId);
      writeFullTrackName(w, this.trackNamespace, this.trackName);
      w.varint(this.trackAlias);
      liftIntoParameters(this, this.parameters).encode(w, 'delta');
      const order = { type: D16TrackExtension.DefaultPublisherGroupOrder, value: this.groupOrder };
      writeKeyValuePairs(w, [order], 'delta');
      return;
    }
    requireSupportedVersion(version);
    w.varint(this.requestId);
    writeFullTrackName(w, this.trackNamespace, this.trackName);
    w.varint(this.trackAlias);
    writeGroupOrder(w, this.groupOrder, false);
    writeFlag(w, this.largestLocation !== undefined);
    if (this.largestLocation) writeLocation(w, this.largestLocation);
    writeFlag(w, this.forward);
    this.parameters.encode(w);
  }

  static decodePayload(r: Reader, version: number): Publish {
    requireSupportedVersion(version);
    const requestId = r.varint();
    const { trackNamespace, trackName } = readFullTrackName(r);
    const trackAlias = r.varint();
    if (isDraft16(version)) {
      const params = Parameters.decode(r, { authorization: true, keys: 'delta' });
      const lifted = lowerFromParameters(params);
      const extensions = readKeyValuePairsToEnd(r, 'delta');
      const order = extensions.find((e) => e.type === D16TrackExtension.DefaultPublisherGroupOrder);
      return new Publish({
        requestId,
        trackNamespace,
        trackName,
        trackAlias,
        groupOrder:
          order?.value === GroupOrder.Descending ? GroupOrder.Descending : GroupOrder.Ascending,
        largestLocation: lifted.largestLocation,
        forward: lifted.forward ?? true,
        parameters: lifted.rest,
      });
    }
    const groupOrder = readGroupOrder(r, false);
    const largestLocation = readFlag(r, 'Content Exists') ? readLocation(r) : undefined;
    const forward = readFlag(r, 'Forward');
    const parameters = Parameters.decode(r, { authorization: true });
    return new Publish({
      requestId,
      trackNamespace,
      trackName,
      trackAlias,
      groupOrder,
      largestLocation,
      forward,
      parameters,
    });
  }
}
