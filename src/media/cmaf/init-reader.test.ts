import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { makeAudioFmp4, makeVideoFmp4 } from './cmaf-test-kit.js';
import { Fmp4Error } from './fmp4-error.js';
import { Fmp4Splitter } from './fmp4-splitter.js';
import { muxInits } from './init-muxer.js';
import { parseInit } from './init-parser.js';
import { readInitTrack } from './init-reader.js';

function initOf(file: Uint8Array): Uint8Array {
  const init = new Fmp4Splitter().push(file).find((p) => p.kind === 'init');
  assert.ok(init);
  return init.bytes;
}

// The player's reader (no mp4box) must see what mp4box sees, field for field, on real ffmpeg
// output: the player plays from what it reads.
describe('readInitTrack (the player, without mp4box) agrees with parseInit (mp4box)', () => {
  const inits = new Map<string, Uint8Array>();
  before(async () => {
    const made = await Promise.all([
      makeVideoFmp4({ seconds: 1 }),
      makeVideoFmp4({ seconds: 1, videoCodec: 'libx265' }),
      makeAudioFmp4({ seconds: 1 }),
      makeAudioFmp4({ seconds: 1, audioCodec: 'libopus' }),
    ]);
    ['h264', 'hevc', 'aac', 'opus'].forEach((name, i) => inits.set(name, initOf(made[i]!)));
  });

  for (const name of ['h264', 'aac', 'opus']) {
    test(`${name}: every field, the codec string derived from the sample entry`, () => {
      const init = inits.get(name) as Uint8Array;
      assert.deepEqual(readInitTrack(init), parseInit(init));
    });
  }

  test("hevc: with the catalog's codec string every field agrees; without it, a typed refusal", () => {
    const init = inits.get('hevc') as Uint8Array;
    const expected = parseInit(init);
    assert.deepEqual(readInitTrack(init, expected.codec), expected);
    assert.throws(
      () => readInitTrack(init),
      (error: unknown) => error instanceof Fmp4Error && error.code === 'UNSUPPORTED',
    );
  });

  test('bad input: no moov, two tracks, a truncated box are typed errors', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (error) {
        return error instanceof Fmp4Error ? error.code : `not typed: ${String(error)}`;
      }
      return undefined;
    };
    const video = inits.get('h264') as Uint8Array;
    assert.equal(
      code(() => readInitTrack(new Uint8Array(16))),
      'NO_INIT',
    );
    const both = muxInits([video, inits.get('aac') as Uint8Array]);
    assert.equal(
      code(() => readInitTrack(both)),
      'MULTI_TRACK',
    );
    for (let cut = 40; cut < video.length; cut += 37) {
      const result = code(() => readInitTrack(video.subarray(0, cut)));
      assert.ok(
        result === undefined || !result.startsWith('not typed'),
        `cut at ${cut}: ${result}`,
      );
    }
  });
});
