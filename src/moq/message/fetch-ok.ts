import type { Reader, Writer } from '../../coding/index.js';
import { readFlag, writeFlag } from './fields.js';
import { GroupOrder, readGroupOrder, writeGroupOrder } from './group-order.js';
import { readKeyValuePairsToEnd } from './key-value-pair.js';
import { type Location, readLocation, writeLocation } from './location.js';
import { MessageType } from './message-type.js';
import { Parameters } from './parameters.js';
import { isDraft16, requireSupportedVersion } from './version.js';

export interface FetchOkFields {
  readonly requestId: number;
  /** Ascending or Descending; 0 is a protocol error here. */
  readonly groupOrder: GroupOrder;
  /** All objects of the track are published and End Location is its last. */
  readonly endOfTrack: boolean;
  /** As on the wire: the largest object covered, in the "plus 1" form of §FETCH_OK. */
  readonly endLocation: Location;
  readonly parameters?: Parameters;
}

/** §FETCH_OK: accepts a FETCH. */
export class FetchOk implements FetchOkFields {
  readonly kind = 'fetch_ok' as const;
  static readonly type = MessageType.FetchOk;
  readonly requestId: number;
  readonly groupOrder: GroupOrder;
  readonly endOfTrack: boolean;
  readonly endLocation: Location;
  readonly parameters: Parameters;

  constructor(fields: FetchOkFields) {
    this.requestId = fields.requestId;
    this.groupOrder = fields.groupOrder;
    this.endOfTrack = fields.endOfTrack;
    this.endLocation = fields.endLocation;
    this.parameters = fields.parameters ?? new Parameters();
  }

  encodePayload(w: Writer, version: number): void {
    if (isDraft16(version)) {
      // Draft-16 §FETCH_OK: no Group Order field; Track Extensions (none from us) end it.
      w.varint(this.requestId);
      writeFlag(w, this.endOfTrack);
      writeLocation(w, this.endLocation);
      this.parameters.encode(w, 'delta');
      return;
    }
    requireSupportedVersion(version);
    w.varint(this.requestId);
    writeGroupOrder(w, this.groupOrder, false);
    writeFlag(w, this.endOfTrack);
    writeLocation(w, this.endLocation);
    this.parameters.encode(w);
  }

  static decodePayload(r: Reader, version: number): FetchOk {
    if (isDraft16(version)) {
      const requestId = r.varint();
      const endOfTrack = readFlag(r, 'End Of Track');
      const endLocation = readLocation(r);
      const parameters = Parameters.decode(r, { keys: 'delta' });
      readKeyValuePairsToEnd(r, 'delta');
      // The order is the one the FETCH asked for; Ascending unless it said otherwise.
      const groupOrder = GroupOrder.Ascending;
      return new FetchOk({ requestId, groupOrder, endOfTrack, endLocation, parameters });
    }
    requireSupportedVersion(version);
    const requestId = r.varint();
    const groupOrder = readGroupOrder(r, false);
    const endOfTrack = readFlag(r, 'End Of Track');
    const endLocation = readLocation(r);
    const parameters = Parameters.decode(r);
    return new FetchOk({ requestId, groupOrder, endOfTrack, endLocation, parameters });
  }
}
