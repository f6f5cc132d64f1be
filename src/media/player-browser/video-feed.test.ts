import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RENDITION_EXTENSION } from '../../moq/index.js';
import type { MediaTrack } from './media-track.js';
import type { ReceivedObject } from './track-reader.js';
import { VideoFeed } from './video-feed.js';

// VideoFeed reads only the catalog entry's name and bitrate.
const track = (name: string, bitrate: number): MediaTrack =>
  ({ entry: { name, bitrate }, label: name }) as unknown as MediaTrack;
const hi = track('video/720p', 2_500_000);
const lo = track('video/360p', 800_000);

function object(groupId: number, objectId: number, rendition?: number): ReceivedObject {
  return {
    track: 'video/360p',
    groupId,
    objectId,
    payload: new Uint8Array(1),
    arrivalMs: 0,
    ...(rendition === undefined
      ? {}
      : { extensions: [{ type: RENDITION_EXTENSION, value: rendition }] }),
  };
}

test('a switching feed names its lowest rendition and follows each group’s tag', () => {
  const feed = VideoFeed.switching([hi, lo]);
  assert.equal(feed.first, lo);
  assert.equal(feed.switching, true);
  assert.equal(feed.relayChooses, undefined);
  assert.equal(feed.trackOf(object(5, 0, 1)), hi);
  assert.equal(feed.trackOf(object(5, 7)), hi, 'the rest of the group follows object 0');
  assert.equal(feed.relayChooses, true);
  assert.equal(feed.trackOf(object(6, 0, 0)), lo);
  assert.equal(feed.trackOf(object(5, 8)), hi, 'an older group keeps its own rendition');
});

test('untagged groups mean the relay ignored the switching set: the named track plays', () => {
  const feed = VideoFeed.switching([hi, lo]);
  assert.equal(feed.trackOf(object(1, 0)), lo);
  assert.equal(feed.relayChooses, false);
});

test('an out-of-range tag falls back to the named track; a single feed never switches', () => {
  const feed = VideoFeed.switching([hi, lo]);
  assert.equal(feed.trackOf(object(1, 0, 9)), lo);
  const single = VideoFeed.single(hi);
  assert.equal(single.switching, false);
  assert.equal(single.trackOf(object(1, 0, 0)), hi);
  assert.notEqual(single.key, feed.key);
});
