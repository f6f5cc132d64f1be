import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { type Location, readLocation, writeLocation } from './location.js';

/** Subscription filter types (§SUBSCRIBE Filter Types). */
export const FilterType = {
  NextGroupStart: 0x1,
  LargestObject: 0x2,
  AbsoluteStart: 0x3,
  AbsoluteRange: 0x4,
} as const;
export type FilterType = (typeof FilterType)[keyof typeof FilterType];

/** A filter with exactly the fields its type carries on the wire. */
export type SubscriptionFilter =
  | { readonly type: typeof FilterType.NextGroupStart }
  | { readonly type: typeof FilterType.LargestObject }
  | { readonly type: typeof FilterType.AbsoluteStart; readonly start: Location }
  | {
      readonly type: typeof FilterType.AbsoluteRange;
      readonly start: Location;
      /** Inclusive end group. */
      readonly endGroup: number;
    };

export function writeSubscriptionFilter(w: Writer, filter: SubscriptionFilter): void {
  w.varint(filter.type);
  switch (filter.type) {
    case FilterType.NextGroupStart:
    case FilterType.LargestObject:
      return;
    case FilterType.AbsoluteStart:
      writeLocation(w, filter.start);
      return;
    case FilterType.AbsoluteRange:
      writeLocation(w, filter.start);
      w.varint(filter.endGroup);
      return;
    default:
      throw MoqError.protocolViolation(`unknown filter type ${String(filter satisfies never)}`);
  }
}

export function readSubscriptionFilter(r: Reader): SubscriptionFilter {
  const type = r.varint();
  switch (type) {
    case FilterType.NextGroupStart:
    case FilterType.LargestObject:
      return { type };
    case FilterType.AbsoluteStart:
      return { type, start: readLocation(r) };
    case FilterType.AbsoluteRange: {
      const start = readLocation(r);
      return { type, start, endGroup: r.varint() };
    }
    default:
      // §SUBSCRIBE: any other filter type closes the session with PROTOCOL_VIOLATION.
      throw MoqError.protocolViolation(`unknown filter type ${type}`);
  }
}
