import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';

/** Group delivery order (§SUBSCRIBE Group Order). 0 = "use the publisher's order". */
export const GroupOrder = {
  Publisher: 0x0,
  Ascending: 0x1,
  Descending: 0x2,
} as const;
export type GroupOrder = (typeof GroupOrder)[keyof typeof GroupOrder];

/**
 * Requests (SUBSCRIBE, FETCH, TRACK_STATUS) may ask for 0x0; responses and PUBLISH/PUBLISH_OK
 * must name a concrete order, so there 0x0 is a protocol error too.
 */
export function readGroupOrder(r: Reader, allowPublisher: boolean): GroupOrder {
  const value = r.u8();
  checkGroupOrder(value, allowPublisher);
  return value as GroupOrder;
}

export function writeGroupOrder(w: Writer, value: GroupOrder, allowPublisher: boolean): void {
  checkGroupOrder(value, allowPublisher);
  w.u8(value);
}

function checkGroupOrder(value: number, allowPublisher: boolean): void {
  if (value === GroupOrder.Ascending || value === GroupOrder.Descending) return;
  if (value === GroupOrder.Publisher && allowPublisher) return;
  throw MoqError.protocolViolation(`invalid group order ${value}`);
}
