import { Writer } from '../../coding/index.js';

/** A moq-lite message on the wire: its body's size as a varint, then the body. */
export function sizePrefixed(body: (w: Writer) => void): Uint8Array {
  const inner = new Writer();
  body(inner);
  const bytes = inner.finish();
  return new Writer(bytes.length + 8).varint(bytes.length).bytes(bytes).finish();
}

/** A varint stream type (or response type) followed by a size-prefixed message. */
export function typed(type: number, body: (w: Writer) => void): Uint8Array {
  const message = sizePrefixed(body);
  return new Writer(message.length + 8).varint(type).bytes(message).finish();
}

export function writeBool(w: Writer, value: boolean): void {
  w.u8(value ? 1 : 0);
}

/** Optional group ids travel as id + 1, with 0 for "none". */
export function writeOptionalGroup(w: Writer, group: number | undefined): void {
  w.varint(group === undefined ? 0 : group + 1);
}
