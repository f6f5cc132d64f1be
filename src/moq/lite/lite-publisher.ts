import { Writer, markShared } from '../../coding/index.js';
import { Lagged, type GroupConsumer, type TrackConsumer, type TrackStart } from '../model/index.js';
import { decodeAnnounceRequest, encodeAnnounce, encodeAnnounceOk } from './announce.js';
import { encodeGroupHeader, zigzag } from './group-header.js';
import { LiteError } from './lite-error.js';
import type { LiteSessionOptions } from './lite-options.js';
import { namespaceOfPath, pathOfNamespace, stripPathPrefix } from './lite-path.js';
import type { LiteReader } from './lite-reader.js';
import { LiteWriter, withType } from './lite-streams.js';
import { LiteUniType } from './stream-type.js';
import {
  decodeSubscribe,
  decodeSubscribeUpdate,
  encodeSubscribeEnd,
  encodeSubscribeOk,
  encodeSubscribeStart,
  type Subscribe,
} from './subscribe.js';
import { RELAY_TIMESCALE, decodeTrackRequest, encodeTrackInfo } from './track-info.js';
import { isLite05, type LiteVersion } from './version.js';

/**
 * Payloads this large go as a write of their own, kept by reference by every subscriber's
 * stream; smaller ones are cheaper to copy into the frame than to write twice.
 */
const SEPARATE_PAYLOAD_BYTES = 256;

/** The streams a moq-lite peer opens to read from us: announce, subscribe and track. */
export class LitePublisher {
  readonly #transport: WebTransport;
  readonly #version: LiteVersion;
  readonly #options: LiteSessionOptions;
  readonly #signal: AbortSignal;
  readonly #fail: (error: LiteError) => void;
  #served = 0;

  constructor(
    transport: WebTransport,
    version: LiteVersion,
    options: LiteSessionOptions,
    session: { signal: AbortSignal; fail: (error: LiteError) => void },
  ) {
    this.#transport = transport;
    this.#version = version;
    this.#options = options;
    this.#signal = session.signal;
    this.#fail = session.fail;
  }

  /** Subscriptions served since the session opened. */
  get subscriptionsServed(): number {
    return this.#served;
  }

  /** ANNOUNCE_REQUEST: announcements under the prefix until the peer closes the stream. */
  async serveAnnounce(reader: LiteReader, writer: LiteWriter): Promise<void> {
    const { prefix } = decodeAnnounceRequest(await reader.message(), this.#version);
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    this.#signal.addEventListener('abort', abort, { once: true });
    // The peer closing its side (or resetting) ends the request.
    void drain(reader, this.#fail).finally(abort);
    try {
      const source = this.#options.announcements(namespaceOfPath(prefix), stop.signal);
      if (isLite05(this.#version)) await writer.write(encodeAnnounceOk(0));
      const active = new Set<string>();
      for await (const { namespace, active: isActive } of source) {
        const suffix = stripPathPrefix(prefix, pathOfNamespace(namespace));
        // Announcing the same path twice is a violation before lite-05; ending one never seen too.
        if (suffix === undefined || active.has(suffix) === isActive) continue;
        if (isActive) active.add(suffix);
        else active.delete(suffix);
        await writer.write(encodeAnnounce({ active: isActive, suffix }));
      }
      writer.finish();
    } finally {
      this.#signal.removeEventListener('abort', abort);
      stop.abort();
    }
  }

  /** TRACK (lite-05): the track's fixed properties, from the broadcast that would serve it. */
  async serveTrack(reader: LiteReader, writer: LiteWriter): Promise<void> {
    const request = decodeTrackRequest(await reader.message());
    this.#resolve(request.broadcast);
    await writer.write(
      encodeTrackInfo({ priority: 0, ordered: false, maxLatencyMs: 0, timescale: RELAY_TIMESCALE }),
    );
    writer.finish();
  }

  /** SUBSCRIBE: groups from the model on their own uni streams until either side ends it. */
  async serveSubscribe(reader: LiteReader, writer: LiteWriter): Promise<void> {
    const msg = decodeSubscribe(await reader.message());
    const broadcast = this.#resolve(msg.broadcast);
    const start: TrackStart = msg.startGroup === undefined ? 'latest' : { group: msg.startGroup };
    // A late group is passed on as well (TRACK_INFO says unordered): the subscriber decides.
    const consumer = broadcast.subscribe(msg.track, start, { lateGroups: true });
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    this.#signal.addEventListener('abort', abort, { once: true });
    // SUBSCRIBE_UPDATEs are read (and checked) but change nothing: the model has one order.
    void readUpdates(reader, this.#fail).finally(abort);
    try {
      await consumer.ready;
      this.#served++;
      if (!isLite05(this.#version)) await writer.write(encodeSubscribeOk(msg));
      const end = await this.#forwardGroups(msg, consumer, writer, stop.signal);
      if (stop.signal.aborted) return;
      if (isLite05(this.#version)) await writer.write(encodeSubscribeEnd(end));
      writer.finish();
    } finally {
      this.#signal.removeEventListener('abort', abort);
      stop.abort();
      consumer.close();
    }
  }

  /** Returns the exclusive end of what was sent (0: nothing). */
  async #forwardGroups(
    msg: Subscribe,
    consumer: TrackConsumer,
    writer: LiteWriter,
    signal: AbortSignal,
  ): Promise<number> {
    let end = 0;
    for (;;) {
      const next = await consumer.nextGroup(signal).catch((error: unknown) => {
        if (signal.aborted) return undefined;
        throw error;
      });
      if (next === undefined) return end;
      if (next instanceof Lagged) continue;
      if (msg.endGroup !== undefined && next.groupId > msg.endGroup) return end;
      if (end === 0 && isLite05(this.#version))
        await writer.write(encodeSubscribeStart(next.groupId));
      end = Math.max(end, next.groupId + 1);
      void this.#sendGroup(msg.id, next, signal);
    }
  }

  async #sendGroup(subscribe: number, group: GroupConsumer, signal: AbortSignal): Promise<void> {
    let writer: LiteWriter | undefined;
    try {
      writer = new LiteWriter(
        (await this.#transport.createUnidirectionalStream()) as WritableStream<Uint8Array>,
      );
      await writer.write(
        withType(LiteUniType.GROUP, encodeGroupHeader({ subscribe, sequence: group.groupId })),
      );
      let previousMs = 0;
      for (
        let object = await group.readObject(signal);
        object;
        object = await group.readObject(signal)
      ) {
        const { payload } = object;
        const inline = payload.length < SEPARATE_PAYLOAD_BYTES;
        const frame = new Writer(16 + (inline ? payload.length : 0));
        if (isLite05(this.#version)) {
          // Timestamps: when the relay sends the frame (the model keeps none of its own).
          const nowMs = Math.floor(Date.now());
          frame.varint(zigzag(nowMs - previousMs));
          previousMs = nowMs;
        }
        frame.varint(payload.length);
        if (inline) frame.bytes(payload);
        await writer.write(frame.finish());
        // The model never changes a payload: every subscriber's stream keeps the same bytes.
        if (!inline) await writer.write(markShared(payload));
      }
      writer.finish();
    } catch {
      // A group cut short (evicted, upstream reset, unsubscribed) is reset, never passed as whole.
      writer?.reset(0, 'group cut short');
    }
  }

  #resolve(path: string) {
    const namespace = namespaceOfPath(path);
    const broadcast = namespace.length > 0 ? this.#options.resolveBroadcast(namespace) : undefined;
    if (!broadcast) throw new LiteError('NOT_FOUND', `no broadcast ${path}`);
    return broadcast;
  }
}

/** Reads until the peer's FIN (or reset): the request ends then. */
async function drain(reader: LiteReader, fail: (error: LiteError) => void): Promise<void> {
  try {
    while (!(await reader.done())) await reader.message();
  } catch (error) {
    failIfFatal(error, fail);
  }
}

async function readUpdates(reader: LiteReader, fail: (error: LiteError) => void): Promise<void> {
  try {
    while (!(await reader.done())) decodeSubscribeUpdate(await reader.message());
  } catch (error) {
    failIfFatal(error, fail);
  }
}

/** Malformed bytes close the session; a reset only ends the request it was on. */
function failIfFatal(error: unknown, fail: (error: LiteError) => void): void {
  if (error instanceof LiteError && error.isSessionFatal) fail(error);
}
