import { BroadcastProducer, GroupProducer, TrackProducer } from '../model/index.js';
import { decodeAnnounce, decodeAnnounceOk, encodeAnnounceRequest } from './announce.js';
import { decodeGroupHeader } from './group-header.js';
import { LiteError } from './lite-error.js';
import {
  DEFAULT_MAX_OBJECT_BYTES,
  TRAILING_GROUPS_GRACE_MS,
  type LiteSessionOptions,
} from './lite-options.js';
import { namespaceOfPath } from './lite-path.js';
import { LiteReader } from './lite-reader.js';
import { LiteWriter, withType } from './lite-streams.js';
import { LiteBidiType } from './stream-type.js';
import { encodeSubscribe, readSubscribeResponse } from './subscribe.js';
import { decodeTrackInfo, encodeTrackRequest } from './track-info.js';
import { controlFirst } from '../session/index.js';
import { isLite05, type LiteVersion } from './version.js';

/** One subscription we hold on the peer: the track it feeds and its groups in flight. */
interface Upstream {
  track: TrackProducer;
  inflight: number;
  /** Set once the publisher ended the subscription: close the track when the last group lands. */
  ending: boolean;
}

/**
 * Reads from a moq-lite peer: asks what it publishes (one announce stream for every path), turns
 * each announced path into a BroadcastProducer, and subscribes to a track when someone reads it.
 */
export class LiteSubscriber {
  readonly #transport: WebTransport;
  readonly #version: LiteVersion;
  readonly #options: LiteSessionOptions;
  readonly #signal: AbortSignal;
  readonly #fail: (error: LiteError) => void;
  readonly #broadcasts = new Map<string, BroadcastProducer>();
  readonly #upstreams = new Map<number, Upstream>();
  #nextSubscribeId = 0;

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

  /** The peer's broadcasts as they come and go, until the session ends. */
  async discover(): Promise<void> {
    const stream = await this.#transport.createBidirectionalStream();
    const writer = new LiteWriter(controlFirst(stream.writable));
    const reader = new LiteReader(stream.readable as ReadableStream<Uint8Array>);
    this.#signal.addEventListener('abort', () => writer.reset(0, 'session closed'), { once: true });
    await writer.write(
      withType(LiteBidiType.ANNOUNCE, encodeAnnounceRequest({ prefix: '' }, this.#version)),
    );
    if (isLite05(this.#version)) decodeAnnounceOk(await reader.message());
    while (!(await reader.done())) {
      const announce = decodeAnnounce(await reader.message(), this.#version);
      if (announce.active) this.#announced(announce.suffix);
      else this.#unannounced(announce.suffix);
    }
    this.close();
  }

  /** Ends every broadcast the peer published through us. */
  close(error?: Error): void {
    for (const broadcast of this.#broadcasts.values()) broadcast.close(error);
    this.#broadcasts.clear();
  }

  /** GROUP uni stream: its frames become one group of the subscription it names. */
  async receiveGroup(reader: LiteReader): Promise<void> {
    const header = decodeGroupHeader(await reader.message());
    const upstream = this.#upstreams.get(header.subscribe);
    if (!upstream) {
      if (header.subscribe >= this.#nextSubscribeId) {
        throw new LiteError(
          'PROTOCOL_VIOLATION',
          `group for unknown subscription ${header.subscribe}`,
        );
      }
      reader.cancel(0); // a subscription we already ended
      return;
    }
    let group: GroupProducer;
    try {
      group = upstream.track.createGroup(header.sequence);
    } catch {
      reader.cancel(0); // a group we already have (or evicted): nothing to add
      return;
    }
    upstream.inflight++;
    try {
      await this.#readFrames(reader, group);
      group.close();
    } catch (error) {
      group.close(error instanceof Error ? error : new Error(String(error)));
      if (error instanceof LiteError && error.isSessionFatal) throw error;
    } finally {
      upstream.inflight--;
      if (upstream.ending && upstream.inflight === 0) upstream.track.close();
    }
  }

  async #readFrames(reader: LiteReader, group: GroupProducer): Promise<void> {
    const maxBytes = this.#options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    while (!(await reader.done())) {
      // lite-05's timestamp delta: read and dropped, the model keeps no timestamps.
      if (isLite05(this.#version)) await reader.varint();
      const sizeBytes = await reader.varint();
      if (sizeBytes > maxBytes) {
        throw new LiteError('MALFORMED', `frame of ${sizeBytes} bytes (max ${maxBytes})`);
      }
      group.write(await reader.bytes(sizeBytes));
    }
  }

  #announced(path: string): void {
    const namespace = namespaceOfPath(path);
    // An empty path has no draft-14 namespace, and a repeat (lite-05's restart) changes nothing.
    if (namespace.length === 0 || this.#broadcasts.has(path)) return;
    const broadcast = new BroadcastProducer(namespace, (name) => this.#subscribe(path, name));
    try {
      this.#options.onPublishNamespace(broadcast);
    } catch (error) {
      broadcast.close();
      this.#options.onRequestError?.(`announce ${path}`, asError(error));
      return;
    }
    this.#broadcasts.set(path, broadcast);
    broadcast.onClose(() => {
      if (this.#broadcasts.get(path) === broadcast) this.#broadcasts.delete(path);
    });
  }

  #unannounced(path: string): void {
    const broadcast = this.#broadcasts.get(path);
    this.#broadcasts.delete(path);
    broadcast?.close();
  }

  /** Called by the model on first read of a track: one upstream subscription for all readers. */
  #subscribe(path: string, name: string): TrackProducer {
    const id = this.#nextSubscribeId++;
    let confirm!: () => void;
    let refuse!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      confirm = resolve;
      refuse = reject;
    });
    const track = new TrackProducer(name, { ...this.#options.trackOptions, ready });
    const upstream: Upstream = { track, inflight: 0, ending: false };
    this.#upstreams.set(id, upstream);
    track.onClose(() => this.#upstreams.delete(id));
    this.#runSubscription(id, path, upstream, confirm).catch((error: unknown) => {
      const failure = asError(error);
      refuse(failure);
      track.close(failure);
      if (failure instanceof LiteError && failure.isSessionFatal) this.#fail(failure);
    });
    return track;
  }

  async #runSubscription(
    id: number,
    path: string,
    upstream: Upstream,
    confirm: () => void,
  ): Promise<void> {
    const { track } = upstream;
    if (isLite05(this.#version)) {
      // TRACK_INFO says the publisher has the track (lite-05 answers SUBSCRIBE with nothing
      // until the first group), so downstream SUBSCRIBE_OKs need not wait for data.
      await this.#trackInfo(path, track.name);
      confirm();
    }
    const stream = await this.#transport.createBidirectionalStream();
    const writer = new LiteWriter(controlFirst(stream.writable));
    const reader = new LiteReader(stream.readable as ReadableStream<Uint8Array>);
    // Unsubscribing is closing our side: when nobody reads the track, or it ends.
    track.onIdle(() => track.close());
    track.onClose(() => void writer.finish());
    await writer.write(
      withType(
        LiteBidiType.SUBSCRIBE,
        encodeSubscribe({
          id,
          broadcast: path,
          track: track.name,
          priority: 0,
          ordered: false,
          maxLatencyMs: 0,
          startGroup: undefined,
          endGroup: undefined,
        }),
      ),
    );
    while (!(await reader.done())) {
      const type = await reader.varint();
      const response = readSubscribeResponse(type, await reader.message(), this.#version);
      if (response.kind === 'ok') confirm();
    }
    // The publisher ended it: the groups it already started may still be arriving.
    upstream.ending = true;
    if (upstream.inflight === 0) track.close();
    else setTimeout(() => track.close(), TRAILING_GROUPS_GRACE_MS).unref?.();
  }

  async #trackInfo(path: string, name: string): Promise<void> {
    const stream = await this.#transport.createBidirectionalStream();
    const writer = new LiteWriter(controlFirst(stream.writable));
    const reader = new LiteReader(stream.readable as ReadableStream<Uint8Array>);
    try {
      await writer.write(
        withType(LiteBidiType.TRACK, encodeTrackRequest({ broadcast: path, track: name })),
      );
      decodeTrackInfo(await reader.message());
      writer.finish();
    } catch (error) {
      writer.reset(0);
      if (error instanceof LiteError) throw error;
      throw new LiteError('NOT_FOUND', `no track ${name} in ${path}: ${asError(error).message}`);
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
