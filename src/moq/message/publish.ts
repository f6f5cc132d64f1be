import type { Reader, Writer } from '../../coding/index.js';
import { readFlag, writeFlag } from './fields.js';
import { type GroupOrder, readGroupOrder, writeGroupOrder } from './group-order.js';
import { type Location, readLocation, writeLocation } from './location.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { type TrackNamespace, readFullTrackName, writeFullTrackName } from './track-name.js';
import { requireSupportedVersion } from './version.js';

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
