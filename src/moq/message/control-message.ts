import { ByteQueue, Reader, Writer, readVarint } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { ClientSetup } from './client-setup.js';
import { FetchCancel } from './fetch-cancel.js';
import { FetchError } from './fetch-error.js';
import { FetchOk } from './fetch-ok.js';
import { Fetch } from './fetch.js';
import { GoAway } from './go-away.js';
import { MaxRequestId } from './max-request-id.js';
import { PublishDone } from './publish-done.js';
import { PublishError } from './publish-error.js';
import { PublishNamespaceCancel } from './publish-namespace-cancel.js';
import { PublishNamespaceDone } from './publish-namespace-done.js';
import { PublishNamespaceError } from './publish-namespace-error.js';
import { PublishNamespaceOk } from './publish-namespace-ok.js';
import { PublishNamespace } from './publish-namespace.js';
import { PublishOk } from './publish-ok.js';
import { Publish } from './publish.js';
import { RequestsBlocked } from './requests-blocked.js';
import { ServerSetup } from './server-setup.js';
import { SubscribeError } from './subscribe-error.js';
import { SubscribeNamespaceError } from './subscribe-namespace-error.js';
import { SubscribeNamespaceOk } from './subscribe-namespace-ok.js';
import { SubscribeNamespace } from './subscribe-namespace.js';
import { SubscribeOk } from './subscribe-ok.js';
import { SubscribeUpdate } from './subscribe-update.js';
import { Subscribe } from './subscribe.js';
import { TrackStatusError } from './track-status-error.js';
import { TrackStatusOk } from './track-status-ok.js';
import { TrackStatus } from './track-status.js';
import { UnsubscribeNamespace } from './unsubscribe-namespace.js';
import { Unsubscribe } from './unsubscribe.js';
import { Version, requireSupportedVersion } from './version.js';

/** Every draft-14 control message. Switch on `kind`. */
export type ControlMessage =
  | ClientSetup
  | ServerSetup
  | GoAway
  | MaxRequestId
  | RequestsBlocked
  | Subscribe
  | SubscribeOk
  | SubscribeError
  | SubscribeUpdate
  | Unsubscribe
  | PublishDone
  | Publish
  | PublishOk
  | PublishError
  | Fetch
  | FetchOk
  | FetchError
  | FetchCancel
  | TrackStatus
  | TrackStatusOk
  | TrackStatusError
  | PublishNamespace
  | PublishNamespaceOk
  | PublishNamespaceError
  | PublishNamespaceDone
  | PublishNamespaceCancel
  | SubscribeNamespace
  | SubscribeNamespaceOk
  | SubscribeNamespaceError
  | UnsubscribeNamespace;

interface MessageClass {
  readonly type: number;
  decodePayload(r: Reader, version: number): ControlMessage;
}

const CLASSES: readonly MessageClass[] = [
  ClientSetup,
  ServerSetup,
  GoAway,
  MaxRequestId,
  RequestsBlocked,
  Subscribe,
  SubscribeOk,
  SubscribeError,
  SubscribeUpdate,
  Unsubscribe,
  PublishDone,
  Publish,
  PublishOk,
  PublishError,
  Fetch,
  FetchOk,
  FetchError,
  FetchCancel,
  TrackStatus,
  TrackStatusOk,
  TrackStatusError,
  PublishNamespace,
  PublishNamespaceOk,
  PublishNamespaceError,
  PublishNamespaceDone,
  PublishNamespaceCancel,
  SubscribeNamespace,
  SubscribeNamespaceOk,
  SubscribeNamespaceError,
  UnsubscribeNamespace,
];

const BY_TYPE: ReadonlyMap<number, MessageClass> = new Map(CLASSES.map((c) => [c.type, c]));

/** §Control Messages: Message Length is 16 bits. */
export const MAX_CONTROL_PAYLOAD_BYTES = 0xffff;
/** Type varint (at most 8 bytes) + 16-bit length. */
const MAX_CONTROL_HEADER_BYTES = 10;
export const MAX_CONTROL_MESSAGE_BYTES = MAX_CONTROL_HEADER_BYTES + MAX_CONTROL_PAYLOAD_BYTES;

/** The wire type of a message object. */
export function controlMessageType(message: ControlMessage): number {
  return (message.constructor as unknown as MessageClass).type;
}

/** Type (i), Length (16), Payload. A payload over 65535 bytes cannot be framed. */
export function encodeControlMessage(
  message: ControlMessage,
  version: number = Version.DRAFT_14,
): Uint8Array {
  requireSupportedVersion(version);
  const payload = new Writer(64);
  message.encodePayload(payload, version);
  if (payload.length > MAX_CONTROL_PAYLOAD_BYTES) {
    throw MoqError.protocolViolation(
      `${message.kind} payload of ${payload.length} bytes exceeds 65535`,
    );
  }
  return new Writer(payload.length + MAX_CONTROL_HEADER_BYTES)
    .varint(controlMessageType(message))
    .u16(payload.length)
    .bytes(payload.finish())
    .finish();
}

/** Decodes one payload of a known type; the payload must be consumed exactly. */
export function decodeControlPayload(
  type: number,
  payload: Uint8Array,
  version: number = Version.DRAFT_14,
): ControlMessage {
  const cls = BY_TYPE.get(type);
  // §Control Messages: an unknown message type closes the session.
  if (!cls) throw MoqError.protocolViolation(`unknown control message type 0x${type.toString(16)}`);
  try {
    const r = new Reader(payload);
    const message = cls.decodePayload(r, version);
    if (r.remaining > 0) {
      throw MoqError.protocolViolation(`${message.kind}: ${r.remaining} bytes past the payload`);
    }
    return message;
  } catch (e) {
    throw MoqError.fromDecode(e);
  }
}

/** Decodes exactly one framed message (e.g. a whole datagram-sized test vector). */
export function decodeControlMessage(
  bytes: Uint8Array,
  version: number = Version.DRAFT_14,
): ControlMessage {
  const decoder = new ControlMessageDecoder(version);
  decoder.push(bytes);
  const message = decoder.next();
  if (!message) throw MoqError.protocolViolation('truncated control message');
  if (decoder.bufferedBytes > 0) throw MoqError.protocolViolation('bytes after control message');
  return message;
}

/**
 * Incremental decoder for the control stream. Call `next()` until it returns undefined after
 * every `push()`: the decoder then holds at most one partial message (≤ 65545 bytes), and
 * refuses further input if the caller stops draining it.
 */
export class ControlMessageDecoder {
  readonly #queue = new ByteQueue();
  #version: number;
  #failure: MoqError | undefined;

  constructor(version: number = Version.DRAFT_14) {
    requireSupportedVersion(version);
    this.#version = version;
  }

  get bufferedBytes(): number {
    return this.#queue.length;
  }

  setVersion(version: number): void {
    requireSupportedVersion(version);
    this.#version = version;
  }

  push(chunk: Uint8Array): void {
    this.#throwIfFailed();
    if (this.#queue.length >= MAX_CONTROL_MESSAGE_BYTES) {
      this.#fail(MoqError.protocolViolation('control stream input not drained'));
    }
    this.#queue.push(chunk);
  }

  /** The next complete message, or undefined when more bytes are needed. */
  next(): ControlMessage | undefined {
    this.#throwIfFailed();
    try {
      return this.#next();
    } catch (e) {
      this.#fail(MoqError.fromDecode(e));
    }
  }

  #next(): ControlMessage | undefined {
    const head = this.#queue.peek(MAX_CONTROL_HEADER_BYTES);
    const type = readVarint(head);
    if (!type) return undefined;
    if (!BY_TYPE.has(type.value)) {
      throw MoqError.protocolViolation(`unknown control message type 0x${type.value.toString(16)}`);
    }
    if (head.length < type.size + 2) return undefined;
    const length = ((head[type.size] as number) << 8) | (head[type.size + 1] as number);
    const total = type.size + 2 + length;
    if (this.#queue.length < total) return undefined;
    this.#queue.skip(type.size + 2);
    // Copy: messages keep views of their payload, which must not alias the caller's chunks.
    const payload = new Uint8Array(this.#queue.take(length));
    return decodeControlPayload(type.value, payload, this.#version);
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  #fail(error: MoqError): never {
    this.#failure = error;
    throw error;
  }
}
