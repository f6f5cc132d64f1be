/**
 * Bytes their owner promises never to change again (a relay's encoded object, shared by every
 * subscriber's stream). A transport write normally copies what it keeps past write() — W3C
 * writers may reuse their buffer once it resolves — but may keep these by reference: on a
 * relay's fan-out that copy, and the garbage it makes, is per subscriber and per object.
 */
const shared = new WeakSet<Uint8Array>();

export function markShared(bytes: Uint8Array): Uint8Array {
  shared.add(bytes);
  return bytes;
}

export function isShared(bytes: Uint8Array): boolean {
  return shared.has(bytes);
}
