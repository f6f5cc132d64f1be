// Hang legacy audio (raw Opus packets / raw AAC access units behind a timestamp varint, as
// @moq/publish sends them) into CMAF, checked by ffprobe: real frames from ffmpeg.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes, parseInit } from '../cmaf/index.js';
import { LegacyFrameError } from './legacy-frame.js';
import { LegacyAudioRemuxer } from './legacy-audio-remuxer.js';
import { makeLegacyAudio, probeAudio } from './legacy-test-kit.js';
import { aacLcConfig } from './mp4-audio-writer.js';
import { opusPacketTicks } from './opus-packet.js';

for (const [codec, name] of [
  ['opus', 'opus'],
  ['aac', 'aac'],
] as const) {
  test(`legacy ${codec} frames become an MP4 audio track ffprobe reads: codec, rate, every frame, duration`, async () => {
    const seconds = 2;
    const audio = await makeLegacyAudio(codec, seconds);
    const remuxer = new LegacyAudioRemuxer(audio.track);
    const chunks = audio.objects.map((o) => remuxer.push(o) as Uint8Array);
    const [stream] = await probeAudio(concatBytes([remuxer.init, ...chunks]));
    assert.equal(stream?.codec_name, name);
    assert.equal(stream?.sample_rate, '48000');
    assert.equal(stream?.channels, 1);
    assert.equal(Number(stream?.nb_read_frames), audio.objects.length);
    const durationS = Number(stream?.duration);
    assert.ok(Math.abs(durationS - seconds) < 0.1, `duration ${durationS} s, expected ≈${seconds}`);
    const info = parseInit(remuxer.init);
    assert.equal(info.codec, audio.track.codec, 'our own init parser reads the codec back');
    assert.equal(info.kind, 'audio');
  });
}

test('AAC without a catalog description gets an AAC-LC config from rate and channels', async () => {
  assert.deepEqual(aacLcConfig(48_000, 2), new Uint8Array([0x11, 0x90]));
  assert.deepEqual(aacLcConfig(44_100, 1), new Uint8Array([0x12, 0x08]));
  const audio = await makeLegacyAudio('aac', 1);
  const track = { ...audio.track };
  delete track.description;
  const remuxer = new LegacyAudioRemuxer(track);
  const chunks = audio.objects.map((o) => remuxer.push(o) as Uint8Array);
  const [stream] = await probeAudio(concatBytes([remuxer.init, ...chunks]));
  assert.equal(stream?.codec_name, 'aac');
  assert.equal(Number(stream?.nb_read_frames), audio.objects.length);
});

test('Opus packet durations come from the TOC byte', () => {
  assert.equal(opusPacketTicks(new Uint8Array([(31 << 3) | 0])), 960); // CELT 20 ms
  assert.equal(opusPacketTicks(new Uint8Array([(16 << 3) | 1])), 240); // 2 × 2.5 ms
  assert.equal(opusPacketTicks(new Uint8Array([(3 << 3) | 3, 2])), 5760); // 2 × 60 ms
  assert.equal(opusPacketTicks(new Uint8Array([(3 << 3) | 3, 3])), undefined); // 180 ms: bad
  assert.equal(opusPacketTicks(new Uint8Array(0)), undefined);
});

test('codecs other than Opus and AAC, and more than two channels, are refused by code', async () => {
  const { track } = await makeLegacyAudio('opus', 1);
  for (const bad of [
    { ...track, codec: 'flac' },
    { ...track, codec: 'mp3' },
    { ...track, channelConfig: '6' },
  ]) {
    assert.throws(
      () => new LegacyAudioRemuxer(bad),
      (e) => e instanceof LegacyFrameError && e.code === 'MALFORMED',
    );
  }
});
