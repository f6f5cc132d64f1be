import { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { type AuthToken, AuthTokenAliasType } from './auth-token.js';
import { type SubscriptionFilter, FilterType } from './filter-type.js';
import { GroupOrder } from './group-order.js';
import { type Location, readLocation, writeLocation } from './location.js';
import type { LiftedFields, LoweredFields } from './request-fields-d16.js';
import { SWITCHING_SET_PARAMETER } from './switching-set.js';

/**
 * Draft-18 §Message Parameters: Type-Value pairs whose value encoding is fixed by each type (not
 * by its parity), types delta-encoded in ascending order, the block bounded by a count. Every
 * type must be known: an unknown one cannot be skipped and closes the session.
 */
export const D18Parameter = {
  ObjectDeliveryTimeout: 0x02,
  AuthorizationToken: 0x03,
  RendezvousTimeout: 0x04,
  SubgroupDeliveryTimeout: 0x06,
  Expires: 0x08,
  LargestObject: 0x09,
  FillTimeout: 0x0a,
  Forward: 0x10,
  SubscriberPriority: 0x20,
  SubscriptionFilter: 0x21,
  GroupOrder: 0x22,
  NewGroupRequest: 0x32,
} as const;

type ValueKind = 'varint' | 'uint8' | 'location' | 'bytes';

const KIND_OF: ReadonlyMap<number, ValueKind> = new Map<number, ValueKind>([
  [D18Parameter.ObjectDeliveryTimeout, 'varint'],
  [D18Parameter.AuthorizationToken, 'bytes'],
  [D18Parameter.RendezvousTimeout, 'varint'],
  [D18Parameter.SubgroupDeliveryTimeout, 'varint'],
  [D18Parameter.Expires, 'varint'],
  [D18Parameter.LargestObject, 'location'],
  [D18Parameter.FillTimeout, 'varint'],
  [D18Parameter.Forward, 'uint8'],
  [D18Parameter.SubscriberPriority, 'uint8'],
  [D18Parameter.SubscriptionFilter, 'bytes'],
  [D18Parameter.GroupOrder, 'uint8'],
  [D18Parameter.NewGroupRequest, 'varint'],
  // Ours, not the draft's: a SUBSCRIBE that asks the relay to switch renditions (server-side
  // ABR). Only our clients send it, only when asked; a peer that does not know it closes.
  [SWITCHING_SET_PARAMETER, 'bytes'],
]);

/** One decoded parameter: its value in the shape its type defines. */
export type D18ParameterValue = number | Location | Uint8Array;
export type D18Parameters = ReadonlyMap<number, D18ParameterValue>;

/** Count, then each (type delta, value) in ascending type order. */
export function writeD18Parameters(w: Writer, params: D18Parameters): void {
  const types = [...params.keys()].sort((a, b) => a - b);
  w.varint(types.length);
  let previous = 0;
  for (const type of types) {
    const kind = KIND_OF.get(type);
    if (!kind) throw MoqError.protocolViolation(`draft-18 parameter 0x${type.toString(16)}?`);
    w.varint(type - previous);
    previous = type;
    writeValue(w, kind, params.get(type) as D18ParameterValue, type);
  }
}

export function readD18Parameters(r: Reader): Map<number, D18ParameterValue> {
  const count = r.varint();
  const params = new Map<number, D18ParameterValue>();
  let type = 0;
  for (let i = 0; i < count; i++) {
    type += r.varint();
    const kind = KIND_OF.get(type);
    if (!kind) throw MoqError.protocolViolation(`unknown parameter type 0x${type.toString(16)}`);
    if (params.has(type)) {
      throw MoqError.protocolViolation(`parameter 0x${type.toString(16)} repeated`);
    }
    params.set(type, readValue(r, kind));
  }
  return params;
}

function writeValue(w: Writer, kind: ValueKind, value: D18ParameterValue, type: number): void {
  if (kind === 'location' && typeof value === 'object' && !(value instanceof Uint8Array)) {
    writeLocation(w, value);
  } else if (kind === 'bytes' && value instanceof Uint8Array) {
    w.lengthPrefixedBytes(value);
  } else if (kind === 'uint8' && typeof value === 'number' && value >= 0 && value <= 0xff) {
    w.u8(value);
  } else if (kind === 'varint' && typeof value === 'number') {
    w.varint(value);
  } else {
    throw MoqError.protocolViolation(`parameter 0x${type.toString(16)} is not a ${kind}`);
  }
}

function readValue(r: Reader, kind: ValueKind): D18ParameterValue {
  switch (kind) {
    case 'varint':
      return r.varint();
    case 'uint8':
      return r.u8();
    case 'location':
      return readLocation(r);
    case 'bytes':
      return r.lengthPrefixedBytes(0xffff);
  }
}

/** The request fields our model keeps, as draft-18 parameters (defaults left out). */
export function d18ParametersOf(
  fields: LiftedFields,
  token?: AuthToken,
): Map<number, D18ParameterValue> {
  const params = new Map<number, D18ParameterValue>();
  if (fields.subscriberPriority !== undefined) {
    params.set(D18Parameter.SubscriberPriority, fields.subscriberPriority);
  }
  if (fields.groupOrder) params.set(D18Parameter.GroupOrder, fields.groupOrder);
  if (fields.forward === false) params.set(D18Parameter.Forward, 0);
  if (fields.expiresMs) params.set(D18Parameter.Expires, fields.expiresMs);
  if (fields.largestLocation) params.set(D18Parameter.LargestObject, fields.largestLocation);
  if (fields.filter && !isUnfiltered(fields.filter)) {
    params.set(D18Parameter.SubscriptionFilter, encodeD18Filter(fields.filter));
  }
  if (token) params.set(D18Parameter.AuthorizationToken, encodeD18AuthToken(token));
  return params;
}

/** The lifted fields as read; absent ones are undefined. */
export type LoweredFieldsD18 = Omit<LoweredFields, 'rest'>;

/** The fields back, each checked against its definition (§GROUP ORDER, §FORWARD). */
export function fieldsOfD18Parameters(params: D18Parameters): LoweredFieldsD18 {
  const int = (type: number): number | undefined => {
    const value = params.get(type);
    return typeof value === 'number' ? value : undefined;
  };
  const order = int(D18Parameter.GroupOrder);
  if (order !== undefined && order !== GroupOrder.Ascending && order !== GroupOrder.Descending) {
    throw MoqError.protocolViolation(`GROUP_ORDER ${order} is not 1 or 2`);
  }
  const forward = int(D18Parameter.Forward);
  if (forward !== undefined && forward > 1) {
    throw MoqError.protocolViolation(`FORWARD ${forward} is not 0 or 1`);
  }
  const filter = params.get(D18Parameter.SubscriptionFilter);
  const largest = params.get(D18Parameter.LargestObject);
  return {
    subscriberPriority: int(D18Parameter.SubscriberPriority),
    groupOrder: order,
    forward: forward === undefined ? undefined : forward === 1,
    filter: filter instanceof Uint8Array ? decodeD18Filter(filter) : undefined,
    expiresMs: int(D18Parameter.Expires),
    largestLocation:
      largest && typeof largest === 'object' && !(largest instanceof Uint8Array)
        ? largest
        : undefined,
  };
}

/** AbsoluteStart at {0, 0} passes everything: said by leaving the parameter out. */
function isUnfiltered(filter: SubscriptionFilter): boolean {
  return (
    filter.type === FilterType.AbsoluteStart &&
    filter.start.group === 0 &&
    filter.start.object === 0
  );
}

/** §Subscription Filters: an AbsoluteRange carries its end as a delta from the start group. */
export function encodeD18Filter(filter: SubscriptionFilter): Uint8Array {
  const w = new Writer(16, 'vi64');
  w.varint(filter.type);
  if (filter.type === FilterType.AbsoluteStart || filter.type === FilterType.AbsoluteRange) {
    writeLocation(w, filter.start);
  }
  if (filter.type === FilterType.AbsoluteRange) {
    if (filter.endGroup < filter.start.group) {
      throw MoqError.protocolViolation('AbsoluteRange ends before it starts');
    }
    w.varint(filter.endGroup - filter.start.group);
  }
  return w.finish();
}

export function decodeD18Filter(bytes: Uint8Array): SubscriptionFilter {
  const r = new Reader(bytes, 'vi64');
  const type = r.varint();
  let filter: SubscriptionFilter;
  if (type === FilterType.NextGroupStart || type === FilterType.LargestObject) {
    filter = { type };
  } else if (type === FilterType.AbsoluteStart) {
    filter = { type, start: readLocation(r) };
  } else if (type === FilterType.AbsoluteRange) {
    const start = readLocation(r);
    filter = { type, start, endGroup: start.group + r.varint() };
  } else {
    throw MoqError.protocolViolation(`unknown filter type ${type}`);
  }
  if (r.remaining > 0) throw MoqError.protocolViolation('SUBSCRIPTION_FILTER has extra bytes');
  return filter;
}

/** §AUTHORIZATION TOKEN's Token structure, its integers in vi64. */
export function encodeD18AuthToken(token: AuthToken): Uint8Array {
  const w = new Writer(16, 'vi64').varint(token.aliasType);
  if ('alias' in token) w.varint(token.alias);
  if ('tokenValue' in token) w.varint(token.tokenType).bytes(token.tokenValue);
  return w.finish();
}

export function decodeD18AuthToken(bytes: Uint8Array): AuthToken {
  const r = new Reader(bytes, 'vi64');
  const aliasType = r.varint();
  switch (aliasType) {
    case AuthTokenAliasType.Delete:
    case AuthTokenAliasType.UseAlias:
      return { aliasType, alias: r.varint() };
    case AuthTokenAliasType.Register: {
      const alias = r.varint();
      return { aliasType, alias, tokenType: r.varint(), tokenValue: r.rest() };
    }
    case AuthTokenAliasType.UseValue:
      return { aliasType, tokenType: r.varint(), tokenValue: r.rest() };
    default:
      throw MoqError.keyValueFormatting(`auth token alias type ${aliasType}`);
  }
}
