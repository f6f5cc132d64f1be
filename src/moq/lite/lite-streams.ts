import { Writer } from '../../coding/index.js';

/** moq-lite writes through the session layer's writer; its FIN (`finish`) never waits. */
export { StreamWriter as LiteWriter } from '../session/stream-io.js';

/** A stream type varint, then a message: how every stream this session opens begins. */
export function withType(type: number, message: Uint8Array): Uint8Array {
  return new Writer(message.length + 8).varint(type).bytes(message).finish();
}
