import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AbrSample } from './abr-controller.js';
import type { MediaTrack } from './media-track.js';
import { RenditionPicker } from './rendition-picker.js';
import { VideoFeed } from './video-feed.js';

// The picker reads the catalog entry's name, size and bitrate, and the track's label.
const track = (height: number, bitrate: number): MediaTrack =>
  ({
    entry: { name: `video/${height}p`, height, width: (height * 16) / 9, bitrate },
    info: {},
    label: `${height}p`,
  }) as unknown as MediaTrack;
// Lowest bitrate first, as playableTracks orders a catalog's renditions.
const TRACKS = [track(180, 300_000), track(360, 800_000), track(720, 2_500_000)];
const SCREEN_PX = 1080;

const calm: AbrSample = { dropped: 0, rendered: 30, stalled: false, bitrateBps: 800_000 };

test('Auto by the relay offers the switching set; a hand-picked rendition is one track', () => {
  const picker = new RenditionPicker('auto', 'relay');
  picker.useTracks(TRACKS, SCREEN_PX);
  const start = picker.startFeed(SCREEN_PX);
  assert.equal(start?.switching, true);
  picker.choose('180p');
  const fixed = picker.feedFor(undefined);
  assert.equal(fixed?.switching, false);
  assert.equal(fixed?.first.label, '180p');
  assert.ok(start);
  assert.equal(picker.adapt(start, TRACKS[1] as MediaTrack, calm), undefined);
});

test('Auto by the player starts on one rendition and steps down when playback stalls', () => {
  const picker = new RenditionPicker('auto', 'relay');
  picker.chooseSide('player');
  picker.useTracks(TRACKS, SCREEN_PX);
  const start = picker.startFeed(SCREEN_PX);
  assert.equal(start?.switching, false);
  const current = start?.first;
  let next: VideoFeed | undefined;
  for (let second = 0; second < 10 && !next; second++) {
    next = picker.adapt(start, current, { ...calm, stalled: true, bitrateBps: 0 });
  }
  assert.ok(next, 'a stalling rendition is left');
  assert.ok(
    (next.first.entry.bitrate ?? 0) < (current.entry.bitrate ?? 0),
    `${current.label} → ${next.first.label}`,
  );
});

test('a relay that does not tag its groups hands Auto to the player, on what plays now', () => {
  const picker = new RenditionPicker('auto', 'relay');
  picker.useTracks(TRACKS, SCREEN_PX);
  const target = picker.startFeed(SCREEN_PX) as VideoFeed;
  // The first group came untagged: the relay ignored the switching set.
  target.trackOf({
    track: target.first.entry.name,
    groupId: 1,
    objectId: 0,
    payload: new Uint8Array(1),
    arrivalMs: 0,
  });
  assert.equal(target.relayChooses, false);
  const next = picker.adapt(target, target.first, calm);
  assert.equal(picker.relayDeclined, true);
  assert.equal(next?.switching, false);
  assert.equal(next?.first, target.first);
  assert.equal(picker.feedFor(undefined)?.switching, false, 'Auto stays the player’s');
});

test('the decode limit narrows the relay’s offer and is named while it holds', () => {
  const picker = new RenditionPicker('auto', 'relay');
  picker.useTracks(TRACKS, SCREEN_PX);
  const start = picker.startFeed(SCREEN_PX) as VideoFeed;
  const playing = TRACKS[2] as MediaTrack;
  let feed: VideoFeed | undefined;
  for (let second = 0; second < 10 && !feed; second++) {
    feed = picker.adapt(start, playing, { ...calm, dropped: 20, rendered: 10, skipped: true });
  }
  assert.ok(feed, 'the offer narrows');
  assert.equal(feed.switching, true);
  assert.ok(!feed.key.includes('720p'), feed.key);
  assert.equal(picker.decodeLimitLabel(), '360p');
});
