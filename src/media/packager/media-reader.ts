import { Lagged, type TrackConsumer } from '../../moq/index.js';

export interface MediaObject {
  groupId: number;
  objectId: number;
  /** One CMAF chunk (prft? moof mdat). The first object of a group starts with a keyframe. */
  payload: Uint8Array;
}

/**
 * Media the reader will never get: whole groups dropped because it fell behind, or the rest of
 * a group cut short. Either way the next object it yields starts a new group: a player resyncs
 * there (at the keyframe) rather than decoding on from a hole.
 */
export type MediaGap =
  | { kind: 'gap'; reason: 'lagged'; fromGroup: number; toGroup: number }
  | { kind: 'gap'; reason: 'cut'; groupId: number; error: Error };

/**
 * The objects of a media track in order, group after group. On a Lagged or a group cut short it
 * moves on to the next group and tells `onGap`; objects already yielded from a cut group stand
 * (fine for a live player). Ends when the track ends; rejects with the track's error or the
 * abort's reason. The consumer stays the caller's to close.
 */
export async function* readMedia(
  consumer: TrackConsumer,
  signal?: AbortSignal,
  onGap?: (gap: MediaGap) => void,
): AsyncGenerator<MediaObject> {
  for (;;) {
    const group = await consumer.nextGroup(signal);
    if (group === undefined) return;
    if (group instanceof Lagged) {
      onGap?.({
        kind: 'gap',
        reason: 'lagged',
        fromGroup: group.fromGroup,
        toGroup: group.toGroup,
      });
      continue;
    }
    for (;;) {
      let object;
      try {
        object = await group.readObject(signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        const cut = error instanceof Error ? error : new Error(String(error));
        onGap?.({ kind: 'gap', reason: 'cut', groupId: group.groupId, error: cut });
        break;
      }
      if (!object) break;
      yield { groupId: group.groupId, objectId: object.objectId, payload: object.payload };
    }
  }
}
