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
import { RequestError } from './request-error.js';
import { RequestOk } from './request-ok.js';
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
import { Version, isDraft16, requireSupportedVersion } from './version.js';

/**
 * Every control message. Switch on `kind`. REQUEST_OK / REQUEST_ERROR (draft-16) only come out
 * of the decoder: the session maps them to the draft-14 answer of the request they refer to.
 */
export type ControlMessage =
  | RequestOk
  | RequestError
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

/**
 * Draft-16's table (§Control Messages): REQUEST_OK (0x7) and REQUEST_ERROR (0x5) take the places
 * of PUBLISH_NAMESPACE_OK and SUBSCRIBE_ERROR; the other per-request answers are gone, and
 * SUBSCRIBE_NAMESPACE moved to a stream of its own (not on the control stream).
 */
const REMOVED_IN_D16: ReadonlySet<number> = new Set([
  PublishNamespaceError.type,
  TrackStatusOk.type,
  TrackStatusError.type,
  SubscribeNamespace.type,
  SubscribeNamespaceOk.type,
  SubscribeNamespaceError.type,
  UnsubscribeNamespace.type,
  FetchError.type,
  PublishError.type,
]);
const BY_TYPE_D16: ReadonlyMap<number, MessageClass> = new Map([
  ...CLASSES.filter((c) => !REMOVED_IN_D16.has(c.type)).map((c) => [c.type, c] as const),
  [RequestError.type, RequestError],
  [RequestOk.type, RequestOk],
]);

function classesOf(version: number): ReadonlyMap<number, MessageClass> {
  return isDraft16(version) ? BY_TYPE_D16 : BY_TYPE;
}

/** Draft-16 sends these draft-14 answers as REQUEST_ERROR / REQUEST_OK. */
const SENT_AS_REQUEST_ERROR: ReadonlySet<string> = new Set([
  'subscribe_error',
  'fetch_error',
  'publish_error',
  'publish_namespace_error',
  'track_status_error',
  'subscribe_namespace_error',
]);
const SENT_AS_REQUEST_OK: ReadonlySet<string> = new Set([
  'publish_namespace_ok',
  'track_status_ok',
  'subscribe_namespace_ok',
]);

/** §Control Messages: Message Length is 16 bits. */
export const MAX_CONTROL_PAYLOAD_BYTES = 0xffff;
/** Type varint (at most 8 bytes) + 16-bit length. */
const MAX_CONTROL_HEADER_BYTES = 10;
export const MAX_CONTROL_MESSAGE_BYTES = MAX_CONTROL_HEADER_BYTES + MAX_CONTROL_PAYLOAD_BYTES;

/** The wire type of a message object in a version. */
export function controlMessageType(
  message: ControlMessage,
  version: number = Version.DRAFT_14,
): number {
  if (isDraft16(version)) {
    if (SENT_AS_REQUEST_ERROR.has(message.kind)) return RequestError.type;
    if (SENT_AS_REQUEST_OK.has(message.kind)) return RequestOk.type;
  }
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
    .varint(controlMessageType(message, version))
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
  const cls = classesOf(version).get(type);
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
    if (!classesOf(this.#version).has(type.value)) {
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
