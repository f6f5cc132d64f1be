import {
  BroadcastProducer,
  GroupConsumer,
  RENDITION_EXTENSION,
  type SwitchingSetEntry,
  type TrackConsumer,
} from '../../moq/index.js';

/** A synthetic ladder: the renditions' names and bitrates, top first (as a catalog lists them). */
export const LADDER: SwitchingSetEntry[] = [
  { trackName: 'hi', bitrateBps: 4_000_000 },
  { trackName: 'mid', bitrateBps: 1_500_000 },
  { trackName: 'lo', bitrateBps: 400_000 },
];

export interface LadderOptions {
  groupMs?: number;
  objectsPerGroup?: number;
  /** Group id offset per rendition (to make renditions that do not align). */
  idOffsets?: number[];
}

/**
 * Publishes aligned groups on every rendition in real time: group N starts at the same moment on
 * each, object 0 (the "keyframe") is a fifth of the group's bytes, the rest share the remainder,
 * so each rendition runs at its bitrate. Payloads carry `track:group:object` at the start and their publishing time at PUBLISHED_AT_OFFSET.
 */
export function publishLadder(
  broadcast: BroadcastProducer,
  ladder: readonly SwitchingSetEntry[] = LADDER,
  options: LadderOptions = {},
): () => void {
  const groupMs = options.groupMs ?? 1000;
  const objects = options.objectsPerGroup ?? 30;
  const tracks = ladder.map((entry) => broadcast.createTrack(entry.trackName));
  let stopped = false;
  const run = async (): Promise<void> => {
    const start = Date.now();
    for (let group = 0; !stopped; group++) {
      const groups = tracks.map((track, i) =>
        track.createGroup(group + (options.idOffsets?.[i] ?? 0)),
      );
      for (let object = 0; object < objects && !stopped; object++) {
        groups.forEach((g, i) => {
          const entry = ladder[i] as SwitchingSetEntry;
          const groupBytes = (entry.bitrateBps / 8) * (groupMs / 1000);
          const size = object === 0 ? groupBytes / 5 : (groupBytes * 0.8) / (objects - 1);
          g.write(payload(`${entry.trackName}:${g.groupId}:${object}`, Math.round(size)));
        });
        const due = start + group * groupMs + ((object + 1) * groupMs) / objects;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      }
      groups.forEach((g) => g.close());
    }
  };
  void run();
  return () => {
    stopped = true;
  };
}

/** Where each payload carries the wall-clock time it was published (float64 ms). */
export const PUBLISHED_AT_OFFSET = 32;

function payload(label: string, sizeBytes: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(PUBLISHED_AT_OFFSET + 8, sizeBytes));
  bytes.set(new TextEncoder().encode(label));
  new DataView(bytes.buffer).setFloat64(PUBLISHED_AT_OFFSET, Date.now());
  return bytes;
}

/** The `track:group:object` label a payload of publishLadder starts with. */
export function labelOf(payload: Uint8Array): string {
  return new TextDecoder().decode(payload.subarray(0, 24)).replace(/\0+$/, '');
}

/** When a payload of publishLadder was published (ms since the epoch). */
export function publishedAt(payload: Uint8Array): number {
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getFloat64(
    PUBLISHED_AT_OFFSET,
  );
}

/** One group as a switching-set subscriber sees it. */
export interface ReceivedGroup {
  groupId: number;
  /** The rendition index RENDITION_EXTENSION names on object 0 (undefined: not tagged). */
  rendition: number | undefined;
  /** `track:group:object` labels of the objects, in order. */
  labels: string[];
  bytes: number;
  startedAtMs: number;
  endedAtMs: number;
  /** The group was cut short (reset) rather than finished. */
  cut: boolean;
}

/** Reads groups until `until` says stop or the track ends; every group read whole. */
export async function readGroups(
  consumer: TrackConsumer,
  stop: (groups: ReceivedGroup[]) => boolean,
  signal: AbortSignal,
): Promise<ReceivedGroup[]> {
  const groups: ReceivedGroup[] = [];
  const reading: Array<Promise<void>> = [];
  while (!stop(groups)) {
    const next = await consumer.nextGroup(signal);
    if (next === undefined) break;
    if (!(next instanceof GroupConsumer)) continue;
    reading.push(readGroup(next, groups, signal));
  }
  await Promise.allSettled(reading);
  return groups.sort((a, b) => a.groupId - b.groupId);
}

async function readGroup(
  group: GroupConsumer,
  into: ReceivedGroup[],
  signal: AbortSignal,
): Promise<void> {
  const received: ReceivedGroup = {
    groupId: group.groupId,
    rendition: undefined,
    labels: [],
    bytes: 0,
    startedAtMs: Date.now(),
    endedAtMs: 0,
    cut: false,
  };
  into.push(received);
  try {
    for (let o = await group.readObject(signal); o; o = await group.readObject(signal)) {
      if (o.objectId === 0) {
        const tag = o.extensions?.find((e) => e.type === RENDITION_EXTENSION)?.value;
        received.rendition = typeof tag === 'number' ? tag : undefined;
      }
      received.labels.push(labelOf(o.payload));
      received.bytes += o.payload.length;
    }
  } catch {
    received.cut = true;
  }
  received.endedAtMs = Date.now();
}
