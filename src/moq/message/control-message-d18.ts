import { ByteQueue, Reader, Writer, readVi64 } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { decodeAuthToken } from './auth-token.js';
import { ClientSetup } from './client-setup.js';
import type { ControlMessage } from './control-message.js';
import { GoAway, MAX_GOAWAY_URI_BYTES } from './go-away.js';
import { GroupOrder } from './group-order.js';
import { type KeyValuePair, readKeyValuePairsToEnd, writeKeyValuePairs } from './key-value-pair.js';
import {
  D18Parameter,
  d18ParametersOf,
  decodeD18AuthToken,
  encodeD18AuthToken,
  fieldsOfD18Parameters,
  readD18Parameters,
  writeD18Parameters,
} from './parameters-d18.js';
import { Parameters } from './parameters.js';
import { PublishDone } from './publish-done.js';
import { PublishNamespace } from './publish-namespace.js';
import { readReasonPhrase, writeReasonPhrase } from './reason-phrase.js';
import { type RequestErrorKind, toDraft16ErrorCode } from './request-error-code.js';
import { RequestError } from './request-error.js';
import { D16_DEFAULT_SUBSCRIBER_PRIORITY, D16_UNFILTERED } from './request-fields-d16.js';
import { RequestOk } from './request-ok.js';
import { ServerSetup } from './server-setup.js';
import { SetupParameterType, SetupParameters } from './setup-parameters.js';
import { SubscribeOk } from './subscribe-ok.js';
import { Subscribe } from './subscribe.js';
import { SWITCHING_SET_PARAMETER } from './switching-set.js';
import {
  readFullTrackName,
  readTrackNamespace,
  writeFullTrackName,
  writeTrackNamespace,
} from './track-name.js';
import { Version } from './version.js';

/** Draft-18 §Control Messages: the types we speak (a subset; see README). */
export const D18MessageType = {
  Setup: 0x2f00,
  Subscribe: 0x3,
  SubscribeOk: 0x4,
  RequestError: 0x5,
  PublishNamespace: 0x6,
  RequestOk: 0x7,
  PublishDone: 0xb,
  GoAway: 0x10,
} as const;

/** Messages that open a request stream (§Session initialization: "Request, First"). */
export const D18_REQUEST_TYPES: ReadonlySet<number> = new Set([
  D18MessageType.Subscribe,
  D18MessageType.PublishNamespace,
]);

/** §DEFAULT PUBLISHER GROUP ORDER, a Track Property. */
const DEFAULT_PUBLISHER_GROUP_ORDER = 0x22;
/** Setup Options this version defines; MAX_REQUEST_ID is gone (requests are streams). */
const D18_SETUP_OPTIONS: ReadonlySet<number> = new Set([
  SetupParameterType.Path,
  SetupParameterType.AuthorizationToken,
  SetupParameterType.MaxAuthTokenCacheSize,
  SetupParameterType.Authority,
  SetupParameterType.MoqtImplementation,
]);

const MAX_HEADER_BYTES = 9 + 2;
const MAX_PAYLOAD_BYTES = 0xffff;

/** Draft-18 error kinds of the draft-14 answers we send as REQUEST_ERROR. */
const ERROR_KINDS: ReadonlyMap<string, RequestErrorKind> = new Map<string, RequestErrorKind>([
  ['subscribe_error', 'subscribe'],
  ['publish_namespace_error', 'publish_namespace'],
  ['fetch_error', 'fetch'],
  ['track_status_error', 'track_status'],
  ['publish_error', 'publish'],
  ['subscribe_namespace_error', 'subscribe_namespace'],
]);

/** Type (vi64), Length (16), Payload (§Control Messages). */
export function encodeD18Message(message: ControlMessage): Uint8Array {
  const payload = new Writer(64, 'vi64');
  const type = writeD18Payload(payload, message);
  if (payload.length > MAX_PAYLOAD_BYTES) {
    throw MoqError.protocolViolation(`${message.kind} payload exceeds 65535 bytes`);
  }
  return new Writer(payload.length + MAX_HEADER_BYTES, 'vi64')
    .varint(type)
    .u16(payload.length)
    .bytes(payload.finish())
    .finish();
}

function writeD18Payload(w: Writer, m: ControlMessage): number {
  switch (m.kind) {
    case 'client_setup':
    case 'server_setup':
      writeKeyValuePairs(w, setupOptionsOut(m.parameters.entries), 'delta');
      return D18MessageType.Setup;
    case 'subscribe': {
      w.varint(m.requestId);
      writeFullTrackName(w, m.trackNamespace, m.trackName);
      const token = m.parameters.entries.find((p) => p.type === D18Parameter.AuthorizationToken);
      const params = d18ParametersOf(m, token && decodeAuthToken(token.value as Uint8Array));
      const switchingSet = m.parameters.switchingSet;
      if (switchingSet) params.set(SWITCHING_SET_PARAMETER, switchingSet);
      writeD18Parameters(w, params);
      return D18MessageType.Subscribe;
    }
    case 'subscribe_ok':
      w.varint(m.trackAlias);
      writeD18Parameters(w, d18ParametersOf(m));
      writeKeyValuePairs(
        w,
        [{ type: DEFAULT_PUBLISHER_GROUP_ORDER, value: m.groupOrder }],
        'delta',
      );
      return D18MessageType.SubscribeOk;
    case 'publish_namespace':
      w.varint(m.requestId);
      writeTrackNamespace(w, m.trackNamespace);
      writeD18Parameters(w, new Map());
      return D18MessageType.PublishNamespace;
    case 'publish_namespace_ok':
    case 'request_ok':
      writeD18Parameters(w, new Map());
      return D18MessageType.RequestOk;
    case 'request_error':
      w.varint(m.errorCode).varint(m.retryInterval);
      writeReasonPhrase(w, m.reasonPhrase);
      return D18MessageType.RequestError;
    case 'publish_done':
      w.varint(m.statusCode).varint(m.streamCount === 'unknown' ? 2 ** 53 - 1 : m.streamCount);
      writeReasonPhrase(w, m.reasonPhrase);
      return D18MessageType.PublishDone;
    default: {
      const kind = ERROR_KINDS.get(m.kind);
      if (kind && 'errorCode' in m) {
        w.varint(toDraft16ErrorCode(kind, m.errorCode)).varint(0);
        writeReasonPhrase(w, m.reasonPhrase);
        return D18MessageType.RequestError;
      }
      throw new MoqError(0x3, `${m.kind} is not built for draft-18`);
    }
  }
}

/**
 * §GOAWAY on the control stream: URI, Timeout 0 (no promise), and the smallest of the peer's
 * Request IDs not processed (every one that arrived was, so the next one it would use).
 */
export function encodeD18GoAway(newSessionUri: string, nextPeerRequestId: number): Uint8Array {
  const uri = new TextEncoder().encode(newSessionUri);
  if (uri.length > MAX_GOAWAY_URI_BYTES) {
    throw MoqError.protocolViolation(`GOAWAY URI of ${uri.length} bytes`);
  }
  const payload = new Writer(uri.length + 16, 'vi64')
    .lengthPrefixedBytes(uri)
    .varint(0)
    .varint(nextPeerRequestId)
    .finish();
  return new Writer(payload.length + MAX_HEADER_BYTES, 'vi64')
    .varint(D18MessageType.GoAway)
    .u16(payload.length)
    .bytes(payload)
    .finish();
}

/** Our setup parameters as draft-18 Setup Options: tokens re-encoded in vi64. */
function setupOptionsOut(entries: readonly KeyValuePair[]): KeyValuePair[] {
  return entries
    .filter((p) => D18_SETUP_OPTIONS.has(p.type))
    .map((p) =>
      p.type === SetupParameterType.AuthorizationToken
        ? { type: p.type, value: encodeD18AuthToken(decodeAuthToken(p.value as Uint8Array)) }
        : p,
    );
}

/** What a payload cannot say in draft-18 but our message objects carry: the stream's context. */
export interface D18DecodeContext {
  /** The request the stream carries (responses name none on the wire). */
  readonly requestId: number;
  /** Who reads: a server reads the client's SETUP, a client the server's. */
  readonly reader: 'client' | 'server';
}

export function decodeD18Payload(
  type: number,
  payload: Uint8Array,
  context: D18DecodeContext,
): ControlMessage {
  try {
    const r = new Reader(payload, 'vi64');
    const message = readD18Payload(type, r, context);
    if (r.remaining > 0) {
      throw MoqError.protocolViolation(`${message.kind}: ${r.remaining} bytes past the payload`);
    }
    return message;
  } catch (e) {
    throw MoqError.fromDecode(e);
  }
}

function readD18Payload(type: number, r: Reader, context: D18DecodeContext): ControlMessage {
  const { requestId } = context;
  switch (type) {
    case D18MessageType.Setup:
      return readSetup(r, context.reader);
    case D18MessageType.Subscribe: {
      const id = r.varint();
      const name = readFullTrackName(r);
      const params = readD18Parameters(r);
      const fields = fieldsOfD18Parameters(params);
      const switchingSet = params.get(SWITCHING_SET_PARAMETER);
      return new Subscribe({
        requestId: id,
        ...name,
        ...(switchingSet instanceof Uint8Array
          ? { parameters: new Parameters([{ type: SWITCHING_SET_PARAMETER, value: switchingSet }]) }
          : {}),
        subscriberPriority: fields.subscriberPriority ?? D16_DEFAULT_SUBSCRIBER_PRIORITY,
        groupOrder: fields.groupOrder ?? GroupOrder.Publisher,
        forward: fields.forward ?? true,
        filter: fields.filter ?? D16_UNFILTERED,
      });
    }
    case D18MessageType.SubscribeOk: {
      const trackAlias = r.varint();
      const fields = fieldsOfD18Parameters(readD18Parameters(r));
      const properties = readKeyValuePairsToEnd(r, 'delta');
      const order = properties.find((p) => p.type === DEFAULT_PUBLISHER_GROUP_ORDER)?.value;
      return new SubscribeOk({
        requestId,
        trackAlias,
        expiresMs: fields.expiresMs ?? 0,
        groupOrder: order === GroupOrder.Descending ? GroupOrder.Descending : GroupOrder.Ascending,
        largestLocation: fields.largestLocation,
      });
    }
    case D18MessageType.PublishNamespace: {
      const id = r.varint();
      const trackNamespace = readTrackNamespace(r);
      readD18Parameters(r);
      return new PublishNamespace({ requestId: id, trackNamespace });
    }
    case D18MessageType.RequestOk:
      readD18Parameters(r);
      if (r.remaining > 0) throw MoqError.protocolViolation('REQUEST_OK with Track Properties');
      return new RequestOk({ requestId });
    case D18MessageType.RequestError: {
      const errorCode = r.varint();
      const retryInterval = r.varint();
      // A REDIRECT's target is not followed: the error stands on its own.
      const reasonPhrase = readReasonPhrase(r);
      r.rest();
      return new RequestError({ requestId, errorCode, retryInterval, reasonPhrase });
    }
    case D18MessageType.GoAway: {
      const length = r.varint();
      if (length > MAX_GOAWAY_URI_BYTES) {
        throw MoqError.protocolViolation(`GOAWAY URI of ${length} bytes`);
      }
      const newSessionUri = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(length));
      r.varint(); // Timeout: a hint; the session ends when the relay closes it.
      // Request ID (control stream only): we make no requests after a GOAWAY, so it is unused.
      if (r.remaining > 0) r.varint();
      return new GoAway({ newSessionUri });
    }
    case D18MessageType.PublishDone: {
      const statusCode = r.varint();
      const streamCount = r.varint();
      return new PublishDone({
        requestId,
        statusCode,
        streamCount,
        reasonPhrase: readReasonPhrase(r),
      });
    }
    default:
      // §Control Messages: an unknown type closes the session.
      throw MoqError.protocolViolation(`unknown draft-18 message type 0x${type.toString(16)}`);
  }
}

/** SETUP's options span the payload (§SETUP); unknown ones are ignored. */
function readSetup(r: Reader, reader: 'client' | 'server'): ControlMessage {
  const options = readKeyValuePairsToEnd(r, 'delta')
    .filter((p) => D18_SETUP_OPTIONS.has(p.type))
    .map((p) => {
      if (p.type !== SetupParameterType.AuthorizationToken || !(p.value instanceof Uint8Array)) {
        return p;
      }
      return { type: p.type, value: encodeTokenQuic(p.value) };
    });
  const parameters = new SetupParameters(options);
  if (reader === 'server') return new ClientSetup({ supportedVersions: [], parameters });
  return new ServerSetup({ selectedVersion: Version.DRAFT_18, parameters });
}

/** Our SetupParameters keep tokens in the QUIC-varint Token encoding. */
function encodeTokenQuic(bytes: Uint8Array): Uint8Array {
  const token = decodeD18AuthToken(bytes);
  return SetupParameters.from({ authorizationTokens: [token] }).entries[0]?.value as Uint8Array;
}

/**
 * Incremental reader of one draft-18 control or request stream. It holds at most one partial
 * message; `next()` returns undefined until a whole one has arrived.
 */
export class D18MessageDecoder {
  readonly #queue = new ByteQueue();

  constructor(readonly context: D18DecodeContext) {}

  get bufferedBytes(): number {
    return this.#queue.length;
  }

  push(chunk: Uint8Array): void {
    if (this.#queue.length > MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES) {
      throw MoqError.protocolViolation('control stream input not drained');
    }
    this.#queue.push(chunk);
  }

  /** The type of the next message once its header arrived (a request stream's first says what it is). */
  peekType(): number | undefined {
    return readVi64(this.#queue.peek(MAX_HEADER_BYTES))?.value;
  }

  next(requestId = this.context.requestId): ControlMessage | undefined {
    try {
      const head = this.#queue.peek(MAX_HEADER_BYTES);
      const type = readVi64(head);
      if (!type || head.length < type.size + 2) return undefined;
      const length = ((head[type.size] as number) << 8) | (head[type.size + 1] as number);
      if (this.#queue.length < type.size + 2 + length) return undefined;
      this.#queue.skip(type.size + 2);
      const payload = new Uint8Array(this.#queue.take(length));
      return decodeD18Payload(type.value, payload, { ...this.context, requestId });
    } catch (e) {
      throw MoqError.fromDecode(e);
    }
  }
}
