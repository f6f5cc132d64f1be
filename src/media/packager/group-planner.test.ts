import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { makeAudioFmp4, makeVideoFmp4 } from '../cmaf/cmaf-test-kit.js';
import { Fmp4Splitter, type CmafChunk, type InitSegment } from '../cmaf/index.js';
import { audioGroupPlanner, type GroupPlanner, videoGroupPlanner } from './group-planner.js';
import { RateMeter } from './rate-meter.js';

function split(file: Uint8Array): { init: InitSegment; chunks: CmafChunk[] } {
  const [init, ...chunks] = new Fmp4Splitter().push(file);
  assert.ok(init?.kind === 'init');
  return { init, chunks: chunks as CmafChunk[] };
}

/** The group id each chunk lands in (undefined = dropped). */
function groupsOf(planner: GroupPlanner, chunks: CmafChunk[]): Array<number | undefined> {
  let current: number | undefined;
  return chunks.map((chunk) => {
    const plan = planner.plan(chunk);
    if (plan.kind === 'drop') return undefined;
    if (plan.kind === 'new') current = plan.groupId;
    return current;
  });
}

describe('group planners', () => {
  let video: { init: InitSegment; chunks: CmafChunk[] };
  let audio: { init: InitSegment; chunks: CmafChunk[] };
  before(async () => {
    [video, audio] = await Promise.all([
      makeVideoFmp4({ seconds: 2, gop: 20 }).then(split),
      makeAudioFmp4({ seconds: 2 }).then(split),
    ]);
  });

  test('video: a group per GOP numbered by keyframe; after a restart, the next keyframe opens one', () => {
    const planner = videoGroupPlanner();
    const ids = groupsOf(planner, video.chunks);
    assert.deepEqual(
      ids,
      video.chunks.map((_, i) => Math.floor(i / 20)),
    );
    planner.restart();
    assert.deepEqual(groupsOf(planner, video.chunks.slice(5, 25)), [
      ...Array<undefined>(15).fill(undefined),
      ...Array<number>(5).fill(3),
    ]);
  });

  test('video: skipTo makes a replacing encoder resume every rendition on one group id', () => {
    const planner = videoGroupPlanner();
    groupsOf(planner, video.chunks.slice(0, 25));
    assert.equal(planner.nextGroupId, 2);
    planner.restart();
    planner.skipTo(7);
    planner.skipTo(5); // never backwards
    assert.equal(groupsOf(planner, video.chunks.slice(0, 1))[0], 7);
    assert.equal(planner.nextGroupId, 8);
  });

  test('audio: groups by media time; a restart (time from 0 again) keeps ids growing', () => {
    const planner = audioGroupPlanner(audio.init.track.timescale, 500);
    const ids = groupsOf(planner, audio.chunks);
    const expected = audio.chunks.map((c) =>
      Math.floor((c.baseDecodeTime / audio.init.track.timescale) * 2),
    );
    assert.deepEqual(ids, expected);
    planner.restart();
    const again = groupsOf(planner, audio.chunks);
    assert.equal(again[0], (expected.at(-1) ?? 0) + 1);
    assert.deepEqual(
      again,
      expected.map((id) => id + (expected.at(-1) ?? 0) + 1),
    );
  });

  test('rate meter: bits over the last second only', () => {
    let now = 0;
    const meter = new RateMeter(1000, () => now);
    meter.add(1000);
    now = 500;
    meter.add(1000);
    assert.equal(meter.bitsPerSecond, 16_000);
    now = 1200;
    assert.equal(meter.bitsPerSecond, 8_000);
    now = 2000;
    assert.equal(meter.bitsPerSecond, 0);
  });
});
