/**
 * A hang broadcast as `@moq/publish` sends it — `catalog.json` plus legacy-container tracks (a
 * timestamp varint, then one raw frame per object) — published from Node straight into a
 * relay's origin, looping real ffmpeg media in real time. The catalog may be given as raw bytes
 * (broken JSON and other bad input).
 */
import { encodeVarint, readVarint } from '../src/coding/index.js';
import { BroadcastProducer, type TrackProducer } from '../src/moq/index.js';
import { HANG_CATALOG_TRACK } from '../src/media/catalog/index.js';
import type { LegacyObject } from '../src/media/legacy/legacy-test-kit.js';
import type { Relay } from '../src/relay/index.js';

/** How long the looped media lasts before it repeats, with timestamps carried on. */
export interface LegacyMedia {
  name: string;
  objects: readonly LegacyObject[];
  durationUs: number;
}

export interface LegacyBroadcast {
  broadcast: BroadcastProducer;
  close(): void;
}

/** Publishes `catalog` (JSON value, or raw bytes) and paces each medium's objects live. */
export function publishLegacyBroadcast(
  relay: Relay,
  name: string,
  catalog: unknown,
  media: readonly LegacyMedia[],
): LegacyBroadcast {
  const broadcast = new BroadcastProducer(name.split('/'));
  const catalogTrack = broadcast.createTrack(HANG_CATALOG_TRACK, { priority: 0 });
  const group = catalogTrack.createGroup();
  group.write(
    catalog instanceof Uint8Array ? catalog : new TextEncoder().encode(JSON.stringify(catalog)),
  );
  group.close();
  const stop = new AbortController();
  for (const medium of media) {
    void pace(broadcast.createTrack(medium.name), medium, stop.signal);
  }
  relay.origin.publish(broadcast);
  return {
    broadcast,
    close: () => {
      stop.abort();
      broadcast.close();
    },
  };
}

/**
 * Writes each object when its media time comes (a new group at each object 0), looping with
 * the timestamps shifted on, so a subscriber at any moment sees a live track.
 */
async function pace(track: TrackProducer, medium: LegacyMedia, signal: AbortSignal): Promise<void> {
  const startMs = performance.now();
  let group = undefined as ReturnType<TrackProducer['createGroup']> | undefined;
  for (let loop = 0; !signal.aborted; loop++) {
    for (const object of medium.objects) {
      const { timestampUs: own, frame } = split(object.payload);
      const timestampUs = own + loop * medium.durationUs;
      const dueMs = startMs + timestampUs / 1000 - performance.now();
      if (dueMs > 0) await new Promise((resolve) => setTimeout(resolve, dueMs));
      if (signal.aborted) return;
      if (object.objectId === 0) {
        group?.close();
        group = track.createGroup();
      }
      group?.write(withTimestamp(frame, timestampUs));
    }
  }
}

/** The legacy object's timestamp varint, and the bytes after it. */
function split(payload: Uint8Array): { timestampUs: number; frame: Uint8Array } {
  const timestamp = readVarint(payload, 0);
  if (!timestamp) throw new Error('a legacy object shorter than its timestamp');
  return { timestampUs: timestamp.value, frame: payload.subarray(timestamp.size) };
}

/** The same frame behind a new timestamp. */
function withTimestamp(frame: Uint8Array, timestampUs: number): Uint8Array {
  const varint = encodeVarint(timestampUs);
  const out = new Uint8Array(varint.length + frame.length);
  out.set(varint);
  out.set(frame, varint.length);
  return out;
}
