import { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import {
  type SubscriptionFilter,
  FilterType,
  readSubscriptionFilter,
  writeSubscriptionFilter,
} from './filter-type.js';
import { GroupOrder } from './group-order.js';
import type { KeyValuePair } from './key-value-pair.js';
import { type Location, readLocation, writeLocation } from './location.js';
import { Parameters } from './parameters.js';

/**
 * Draft-16 §Message Parameters: fields that draft-14 carried in the message body travel as
 * parameters. Types the draft-14 parameters share (DELIVERY TIMEOUT 0x02, AUTHORIZATION TOKEN
 * 0x03) keep their numbers.
 */
export const D16Parameter = {
  Expires: 0x08,
  LargestObject: 0x09,
  Forward: 0x10,
  SubscriberPriority: 0x20,
  SubscriptionFilter: 0x21,
  GroupOrder: 0x22,
} as const;

/** Draft-16 §Extension Headers used as Track Extensions. */
export const D16TrackExtension = {
  DefaultPublisherGroupOrder: 0x22,
} as const;

const LIFTED: ReadonlySet<number> = new Set(Object.values(D16Parameter));

/** The request fields draft-16 moved into parameters; undefined = leave the parameter out. */
export interface LiftedFields {
  readonly subscriberPriority?: number | undefined;
  readonly groupOrder?: GroupOrder | undefined;
  readonly forward?: boolean | undefined;
  readonly filter?: SubscriptionFilter | undefined;
  readonly expiresMs?: number | undefined;
  readonly largestLocation?: Location | undefined;
}

/** The fields as parameters, followed by the message's own parameters. */
export function liftIntoParameters(fields: LiftedFields, rest: Parameters): Parameters {
  const pairs: KeyValuePair[] = [];
  const int = (type: number, value: number | undefined): void => {
    if (value !== undefined) pairs.push({ type, value });
  };
  int(D16Parameter.SubscriberPriority, fields.subscriberPriority);
  // GROUP_ORDER 0 ("the publisher's") is expressed by leaving the parameter out.
  if (fields.groupOrder) int(D16Parameter.GroupOrder, fields.groupOrder);
  if (fields.forward !== undefined) int(D16Parameter.Forward, fields.forward ? 1 : 0);
  if (fields.expiresMs) int(D16Parameter.Expires, fields.expiresMs);
  if (fields.filter) {
    const w = new Writer(16);
    writeSubscriptionFilter(w, fields.filter);
    pairs.push({ type: D16Parameter.SubscriptionFilter, value: w.finish() });
  }
  if (fields.largestLocation) {
    const w = new Writer(16);
    writeLocation(w, fields.largestLocation);
    pairs.push({ type: D16Parameter.LargestObject, value: w.finish() });
  }
  return new Parameters([...pairs, ...rest.entries]);
}

/** The lifted fields as read (absent → undefined), and the other parameters as they came. */
export interface LoweredFields {
  readonly subscriberPriority: number | undefined;
  readonly groupOrder: GroupOrder | undefined;
  readonly forward: boolean | undefined;
  readonly filter: SubscriptionFilter | undefined;
  readonly expiresMs: number | undefined;
  readonly largestLocation: Location | undefined;
  readonly rest: Parameters;
}

export function lowerFromParameters(params: Parameters): LoweredFields {
  const varint = (type: number): number | undefined => {
    const value = params.entries.find((p) => p.type === type)?.value;
    return typeof value === 'number' ? value : undefined;
  };
  const bytes = (type: number): Uint8Array | undefined => {
    const value = params.entries.find((p) => p.type === type)?.value;
    return value instanceof Uint8Array ? value : undefined;
  };
  const priority = varint(D16Parameter.SubscriberPriority);
  if (priority !== undefined && priority > 0xff) {
    throw MoqError.protocolViolation(`SUBSCRIBER_PRIORITY ${priority} exceeds 255`);
  }
  const order = varint(D16Parameter.GroupOrder);
  if (order !== undefined && order !== GroupOrder.Ascending && order !== GroupOrder.Descending) {
    throw MoqError.protocolViolation(`GROUP_ORDER ${order} is not 1 or 2`);
  }
  const forward = varint(D16Parameter.Forward);
  if (forward !== undefined && forward > 1) {
    throw MoqError.protocolViolation(`FORWARD ${forward} is not 0 or 1`);
  }
  const filterBytes = bytes(D16Parameter.SubscriptionFilter);
  const largestBytes = bytes(D16Parameter.LargestObject);
  return {
    subscriberPriority: priority,
    groupOrder: order,
    forward: forward === undefined ? undefined : forward === 1,
    filter: filterBytes && exactly(filterBytes, readSubscriptionFilter, 'SUBSCRIPTION_FILTER'),
    expiresMs: varint(D16Parameter.Expires),
    largestLocation: largestBytes && exactly(largestBytes, readLocation, 'LARGEST_OBJECT'),
    rest: new Parameters(params.entries.filter((p) => !LIFTED.has(p.type))),
  };
}

/** §SUBSCRIPTION FILTER: a value whose length does not match its filter is a violation. */
function exactly<T>(bytes: Uint8Array, read: (r: Reader) => T, name: string): T {
  const r = new Reader(bytes);
  const value = read(r);
  if (r.remaining > 0) throw MoqError.protocolViolation(`${name} has ${r.remaining} extra bytes`);
  return value;
}

/** Draft-16 defaults when a SUBSCRIBE leaves a parameter out (§Message Parameters). */
export const D16_DEFAULT_SUBSCRIBER_PRIORITY = 128;
/** "If omitted, the subscription is unfiltered": AbsoluteStart {0, 0} says the same. */
export const D16_UNFILTERED: SubscriptionFilter = {
  type: FilterType.AbsoluteStart,
  start: { group: 0, object: 0 },
};
