import { DataStreamDecoder, ObjectStatus, decodeObjectDatagram } from '../data/index.js';
import { DataStreamResetCode, MoqError } from '../error/index.js';
import { ModelError, type GroupProducer, type TrackProducer } from '../model/index.js';
import { varintEncodingOf } from '../message/index.js';
import type { FetchClient, FetchedObject } from './fetch-client.js';
import type { SessionContext } from './session-context.js';
import { ALIAS_WAIT_MS, DEFAULT_OBJECT_STALL_MS } from './session-options.js';
import { StreamWatch } from './stream-watch.js';
import { readChunks, streamErrorCodeOf } from './stream-io.js';
import type { Subscriber } from './subscriber.js';

const DEFAULT_MAX_OBJECT_BYTES = 16 * 1024 * 1024;

/**
 * Turns the peer's unidirectional data streams and datagrams into groups of the tracks we
 * subscribed to. A stream that breaks closes only its own group, with an error, so a reader
 * never mistakes a cut group for a whole one.
 */
export class DataReceiver {
  readonly #ctx: SessionContext;
  readonly #subscriber: Subscriber;
  readonly #datagramGroups = new Map<TrackProducer, GroupProducer>();

  readonly #fetches: FetchClient;

  constructor(ctx: SessionContext, subscriber: Subscriber, fetches: FetchClient) {
    this.#ctx = ctx;
    this.#subscriber = subscriber;
    this.#fetches = fetches;
  }

  async run(): Promise<void> {
    await Promise.allSettled([this.#acceptStreams(), this.#acceptDatagrams()]);
  }

  async #acceptStreams(): Promise<void> {
    const incoming = this.#ctx.transport.incomingUnidirectionalStreams as ReadableStream<
      ReadableStream<Uint8Array>
    >;
    const reader = incoming.getReader();
    const stop = (): void => {
      reader.cancel().catch(() => undefined);
    };
    this.#ctx.signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        void this.#receive(value);
      }
    } catch {
      // The session ended.
    } finally {
      this.#ctx.signal.removeEventListener('abort', stop);
    }
  }

  async #receive(readable: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new DataStreamDecoder({
      encoding: varintEncodingOf(this.#ctx.version),
      maxObjectBytes: this.#ctx.options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
    });
    const cancel = new AbortController();
    const signal = AbortSignal.any([cancel.signal, this.#ctx.signal]);
    const watch = new StreamWatch({
      stallMs: this.#ctx.options.objectStallMs ?? DEFAULT_OBJECT_STALL_MS,
      midObject: () => decoder.midObject,
      onStall: (error) => cancel.abort(error),
      budget: this.#ctx.options.budget,
    });
    let group: GroupProducer | undefined;
    let fetchId: number | undefined;
    let fetchSink: ((object: FetchedObject) => void) | undefined;
    // Counted per stream, not per object: the session's totals are touched once per stream.
    let bytes = 0;
    let objects = 0;
    try {
      for await (const chunk of readChunks(readable, signal, DataStreamResetCode.CANCELLED)) {
        decoder.push(chunk);
        watch.arrived(decoder.bufferedBytes);
        for (let event = decoder.next(); event; event = decoder.next()) {
          if (event.kind === 'subgroup_header') {
            group = await this.#openGroup(event.trackAlias, event.groupId);
            if (!group) {
              cancel.abort();
              return;
            }
          } else if (event.kind === 'object' && group) {
            if (event.status === ObjectStatus.Normal) {
              group.write(event.payload, event.objectId, event.extensions);
              bytes += event.payload.byteLength;
              objects++;
            }
          } else if (event.kind === 'fetch_header') {
            fetchId = event.requestId;
            fetchSink = this.#fetches.sink(fetchId);
            if (!fetchSink) {
              cancel.abort(); // not a FETCH of ours
              return;
            }
          } else if (event.kind === 'object' && fetchSink) {
            if (event.status === ObjectStatus.Normal) {
              fetchSink({
                groupId: event.groupId,
                objectId: event.objectId,
                payload: event.payload,
              });
            }
          }
        }
        watch.drained(decoder.bufferedBytes);
      }
      watch.throwIfStalled();
      decoder.end();
      group?.close();
      if (fetchId !== undefined) this.#fetches.streamEnded(fetchId);
    } catch (error) {
      group?.close(streamFailure(error));
      if (fetchId !== undefined) this.#fetches.streamEnded(fetchId, streamFailure(error));
      if (error instanceof MoqError && error.scope === 'session') this.#ctx.fail(error);
    } finally {
      this.#ctx.counters.bytesReceived += bytes;
      this.#ctx.counters.objectsReceived += objects;
      watch.close();
    }
  }

  async #openGroup(alias: number, groupId: number): Promise<GroupProducer | undefined> {
    const track = await this.#subscriber.trackForAlias(alias, ALIAS_WAIT_MS);
    if (track) this.#subscriber.noteStream(alias);
    if (!track || track.isClosed || track.hasGroup(groupId)) return undefined;
    try {
      return track.createGroup(groupId);
    } catch (error) {
      if (error instanceof ModelError) return undefined;
      throw error;
    }
  }

  async #acceptDatagrams(): Promise<void> {
    let reader: ReadableStreamDefaultReader<Uint8Array>;
    try {
      reader = (this.#ctx.transport.datagrams.readable as ReadableStream<Uint8Array>).getReader();
    } catch {
      return; // this transport has no datagrams
    }
    this.#ctx.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), {
      once: true,
    });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        await this.#datagram(value);
      }
    } catch {
      // The session ended.
    }
  }

  async #datagram(bytes: Uint8Array): Promise<void> {
    let datagram: ReturnType<typeof decodeObjectDatagram>;
    try {
      datagram = decodeObjectDatagram(bytes);
    } catch (error) {
      this.#ctx.fail(MoqError.fromDecode(error));
      return;
    }
    const track = await this.#subscriber.trackForAlias(datagram.trackAlias, 0);
    if (!track || track.isClosed || datagram.payload.length === 0) return;
    let group = this.#datagramGroups.get(track);
    if (!group || group.groupId !== datagram.groupId) {
      if (group && datagram.groupId < group.groupId) return; // late: its group is gone
      group?.close();
      if (track.hasGroup(datagram.groupId)) return;
      group = track.createGroup(datagram.groupId);
      this.#datagramGroups.set(track, group);
      track.onClose(() => this.#datagramGroups.delete(track));
    }
    if (datagram.objectId >= group.nextObjectId) {
      group.write(datagram.payload, datagram.objectId, datagram.extensions);
      this.#ctx.counters.bytesReceived += datagram.payload.byteLength;
      this.#ctx.counters.objectsReceived++;
    }
  }
}

function streamFailure(error: unknown): Error {
  const code = streamErrorCodeOf(error);
  if (code !== undefined) return new MoqError(code, `data stream reset (${code})`, 'stream');
  if (error instanceof Error) return error;
  return new Error(String(error));
}
