import { sameBytes, Writer } from '../../coding/index.js';
import { MoqError, SessionCloseCode } from '../error/index.js';
import {
  ControlMessageDecoder,
  Version,
  encodeControlMessage,
  type Subscribe,
} from '../message/index.js';
import { subscribeMessage, type SubscribeRequest } from './subscribe-request.js';

/**
 * SUBSCRIBEs a page writes for its player right behind the CLIENT_SETUP it writes
 * (early-setup.ts): draft-14 framing, client request ids 0, 2, 4 … in order — the ids a fresh
 * client session would give them. The relay answers them before the player's script runs; the
 * player's session adopts each one its player then asks for (`EarlySubscribe.matches`).
 */
export function earlySubscribeBytes(requests: readonly SubscribeRequest[]): Uint8Array {
  const bytes = new Writer(256);
  requests.forEach((request, i) => {
    bytes.bytes(encodeControlMessage(subscribeMessage(i * 2, request), Version.DRAFT_14));
  });
  return bytes.finish();
}

/** One SUBSCRIBE written ahead, waiting for the session's own request to adopt it. */
export class EarlySubscribe {
  readonly message: Subscribe;
  readonly #bytes: Uint8Array;
  readonly #version: number;

  constructor(message: Subscribe, version: number) {
    this.message = message;
    this.#version = version;
    this.#bytes = encodeControlMessage(message, version);
  }

  get requestId(): number {
    return this.message.requestId;
  }

  /** Whether `request` names the same track (a session subscribes to a track once). */
  sameTrack(request: SubscribeRequest): boolean {
    const { trackNamespace, trackName } = this.message;
    return (
      trackName === request.name &&
      trackNamespace.length === request.namespace.length &&
      trackNamespace.every((field, i) => field === request.namespace[i])
    );
  }

  /** Whether the session would have sent exactly this SUBSCRIBE for `request`. */
  matches(request: SubscribeRequest): boolean {
    const own = encodeControlMessage(subscribeMessage(this.requestId, request), this.#version);
    return sameBytes(own, this.#bytes);
  }
}

/**
 * The SUBSCRIBEs in `bytes`, written after CLIENT_SETUP on a stream of `version`. Anything else
 * (another message, ids out of order, a cut message) means the page and the player disagree: an
 * INTERNAL_ERROR, as for a CLIENT_SETUP that differs.
 */
export function decodeEarlySubscribes(bytes: Uint8Array, version: number): EarlySubscribe[] {
  const decoder = new ControlMessageDecoder(version);
  decoder.push(bytes);
  const found: EarlySubscribe[] = [];
  for (let message = decoder.next(); message; message = decoder.next()) {
    if (message.kind !== 'subscribe' || message.requestId !== found.length * 2) {
      throw disagree(`the page wrote ${message.kind} ${found.length + 1} out of place`);
    }
    found.push(new EarlySubscribe(message, version));
  }
  if (decoder.bufferedBytes > 0) throw disagree('the page wrote a cut message');
  return found;
}

function disagree(why: string): MoqError {
  return new MoqError(SessionCloseCode.INTERNAL_ERROR, `early requests: ${why}`);
}
