import { ByteQueue, Reader, Writer, readVarint } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { decodeControlPayload } from './control-message.js';
import { MessageType } from './message-type.js';
import { REQUEST_ERROR_TYPE, type RequestError } from './request-error.js';
import { REQUEST_OK_TYPE, type RequestOk } from './request-ok.js';
import { SubscribeNamespace } from './subscribe-namespace.js';
import { type TrackNamespace, readNamespacePrefix, writeNamespacePrefix } from './track-name.js';

/**
 * Draft-16 §NAMESPACE (0x08) and §NAMESPACE_DONE (0x0E): what a SUBSCRIBE_NAMESPACE stream
 * carries after its REQUEST_OK. They live only on that stream (0x08 is PUBLISH_NAMESPACE_ERROR
 * on a draft-14 control stream), so they are not control messages here. Each names a namespace
 * by its suffix after the subscription's prefix; the suffix may have 0 fields (the prefix
 * itself is the namespace).
 */
export const NamespaceEntryType = { Namespace: 0x08, NamespaceDone: 0x0e } as const;

export interface NamespaceEntry {
  readonly suffix: TrackNamespace;
  /** NAMESPACE (true) or NAMESPACE_DONE (false). */
  readonly active: boolean;
}

/** Type, 16-bit length, Track Namespace Suffix (§NAMESPACE, §NAMESPACE_DONE). */
export function encodeNamespaceEntry(entry: NamespaceEntry): Uint8Array {
  const payload = new Writer(32);
  writeNamespacePrefix(payload, entry.suffix);
  const bytes = payload.finish();
  const type = entry.active ? NamespaceEntryType.Namespace : NamespaceEntryType.NamespaceDone;
  return new Writer(bytes.length + 4).varint(type).u16(bytes.length).bytes(bytes).finish();
}

/** Decodes one whole entry (tests and peers reading the stream); throws on anything else. */
export function decodeNamespaceEntry(bytes: Uint8Array): NamespaceEntry {
  const type = readVarint(bytes);
  if (!type) throw MoqError.protocolViolation('short NAMESPACE entry');
  const active = type.value === NamespaceEntryType.Namespace;
  if (!active && type.value !== NamespaceEntryType.NamespaceDone) {
    throw MoqError.protocolViolation(`0x${type.value.toString(16)} on a namespace stream`);
  }
  const r = new Reader(bytes.subarray(type.size));
  const size = r.u16();
  const body = new Reader(r.bytes(size));
  const suffix = readNamespacePrefix(body);
  if (body.remaining !== 0) throw MoqError.protocolViolation('bytes left in NAMESPACE entry');
  return { suffix, active };
}

/**
 * Reads the message that opens a draft-16 SUBSCRIBE_NAMESPACE stream. Chunks go in with push();
 * next() returns the message once it is whole. Anything but SUBSCRIBE_NAMESPACE is a
 * PROTOCOL_VIOLATION (§Session initialization: no other message may open a bidi stream).
 */
export class SubscribeNamespaceStreamDecoder {
  readonly #queue = new ByteQueue();
  readonly #version: number;

  constructor(version: number) {
    this.#version = version;
  }

  push(chunk: Uint8Array): void {
    this.#queue.push(chunk);
  }

  next(): SubscribeNamespace | undefined {
    const head = this.#queue.peek(10);
    const type = readVarint(head);
    if (!type) return undefined;
    if (type.value !== MessageType.SubscribeNamespace) {
      throw MoqError.protocolViolation(
        `message type 0x${type.value.toString(16)} opened a bidirectional stream`,
      );
    }
    if (head.length < type.size + 2) return undefined;
    const length = ((head[type.size] as number) << 8) | (head[type.size + 1] as number);
    if (this.#queue.length < type.size + 2 + length) return undefined;
    this.#queue.skip(type.size + 2);
    const r = new Reader(new Uint8Array(this.#queue.take(length)));
    try {
      const message = SubscribeNamespace.decodePayload(r, this.#version);
      if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left over`);
      return message;
    } catch (error) {
      if (error instanceof MoqError) throw error;
      throw MoqError.fromDecode(error);
    }
  }
}

/** What comes back on a draft-16 SUBSCRIBE_NAMESPACE stream, one item at a time. */
export type NamespaceReply = RequestOk | RequestError | NamespaceEntry;

/**
 * The subscriber's reader of a SUBSCRIBE_NAMESPACE stream: first REQUEST_OK or REQUEST_ERROR,
 * then NAMESPACE / NAMESPACE_DONE entries. Anything else is a PROTOCOL_VIOLATION.
 */
export class NamespaceReplyDecoder {
  readonly #queue = new ByteQueue();
  readonly #version: number;
  #answered = false;

  constructor(version: number) {
    this.#version = version;
  }

  push(chunk: Uint8Array): void {
    this.#queue.push(chunk);
  }

  next(): NamespaceReply | undefined {
    const head = this.#queue.peek(10);
    const type = readVarint(head);
    if (!type) return undefined;
    const expected: readonly number[] = this.#answered
      ? [NamespaceEntryType.Namespace, NamespaceEntryType.NamespaceDone]
      : [REQUEST_OK_TYPE, REQUEST_ERROR_TYPE];
    if (!expected.includes(type.value)) {
      throw MoqError.protocolViolation(
        `message type 0x${type.value.toString(16)} on a SUBSCRIBE_NAMESPACE stream`,
      );
    }
    if (head.length < type.size + 2) return undefined;
    const length = ((head[type.size] as number) << 8) | (head[type.size + 1] as number);
    const total = type.size + 2 + length;
    if (this.#queue.length < total) return undefined;
    const bytes = new Uint8Array(this.#queue.take(total));
    if (this.#answered) return decodeNamespaceEntry(bytes);
    this.#answered = true;
    const answer = decodeControlPayload(type.value, bytes.subarray(type.size + 2), this.#version);
    return answer as RequestOk | RequestError;
  }
}
