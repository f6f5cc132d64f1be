import type { CmafChunk } from '../cmaf/index.js';

/** What to do with a chunk: start group `groupId` with it, append it, or drop it. */
export type GroupPlan = { kind: 'new'; groupId: number } | { kind: 'append' } | { kind: 'drop' };

/** Maps CMAF chunks onto MoQ groups (CMSF §Group Packaging: a group starts with a SAP). */
export interface GroupPlanner {
  plan(chunk: CmafChunk): GroupPlan;
  /** A new init segment (encoder restart): media time may start over, group ids must not. */
  restart(): void;
  /** The id the next group would get. */
  readonly nextGroupId: number;
  /**
   * Makes the next group's id at least `groupId`: renditions whose encoder was replaced resume
   * on one common number, even if the old one ended one of them a keyframe earlier.
   */
  skipTo(groupId: number): void;
}

/**
 * Video: one group per GOP, numbered by keyframe count from 0, so renditions encoded with the
 * same keyframes (one ladder, started together) number their groups alike (CMSF §Switching sets:
 * groups time-aligned across a switching set). Chunks before the first keyframe are dropped.
 */
export function videoGroupPlanner(): GroupPlanner {
  let keyframes = 0;
  let open = false;
  return {
    plan(chunk) {
      if (chunk.keyframe) {
        open = true;
        return { kind: 'new', groupId: keyframes++ };
      }
      return open ? { kind: 'append' } : { kind: 'drop' };
    },
    restart() {
      open = false; // the next group must start at the new stream's first keyframe
    },
    get nextGroupId() {
      return keyframes;
    },
    skipTo(groupId) {
      keyframes = Math.max(keyframes, groupId);
    },
  };
}

/**
 * Audio (every frame a sync sample): a new group whenever media time crosses a multiple of
 * `groupMs`, numbered floor(timeMs / groupMs), so audio groups line up in time with each other
 * across publishers. After a restart, ids continue from the last one.
 */
export function audioGroupPlanner(timescale: number, groupMs: number): GroupPlanner {
  let current: number | undefined;
  let offset = 0;
  let restarted = false;
  return {
    plan(chunk) {
      if (current === undefined && !chunk.keyframe) return { kind: 'drop' };
      const raw = Math.floor((chunk.baseDecodeTime * 1000) / timescale / groupMs);
      if (restarted && current !== undefined) offset = current + 1 - raw;
      restarted = false;
      const groupId = raw + offset;
      if (current !== undefined && groupId <= current) return { kind: 'append' };
      current = groupId;
      return { kind: 'new', groupId };
    },
    restart() {
      restarted = true;
    },
    get nextGroupId() {
      return current === undefined ? 0 : current + 1;
    },
    skipTo() {
      // Audio groups follow media time, which a replacing encoder continues.
    },
  };
}
