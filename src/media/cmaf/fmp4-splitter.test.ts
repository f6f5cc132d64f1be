import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { concatBytes, makeBox } from './box-reader.js';
import type { CmafChunk, Fmp4Part, InitSegment } from './cmaf-types.js';
import { chop, makeVideoFmp4, streamOf } from './cmaf-test-kit.js';
import { Fmp4Error, type Fmp4ErrorCode } from './fmp4-error.js';
import { Fmp4Splitter } from './fmp4-splitter.js';
import { muxInits } from './init-muxer.js';
import { splitFmp4 } from './split-fmp4.js';

function splitAll(pieces: Uint8Array[], splitter = new Fmp4Splitter()): Fmp4Part[] {
  const parts = pieces.flatMap((p) => splitter.push(p));
  splitter.end();
  return parts;
}

function fails(code: Fmp4ErrorCode): (e: unknown) => boolean {
  return (e) => e instanceof Fmp4Error && e.code === code;
}

describe('Fmp4Splitter', () => {
  let file: Uint8Array;
  let init: InitSegment;
  let chunks: CmafChunk[];
  before(async () => {
    file = await makeVideoFmp4({ seconds: 3 });
    const parts = splitAll([file]);
    init = parts[0] as InitSegment;
    chunks = parts.slice(1) as CmafChunk[];
  });

  test('init then one chunk per frame, byte-exact, with keyframes, times and prft', () => {
    assert.equal(init.kind, 'init');
    assert.equal(init.track.codec.slice(0, 5), 'avc1.');
    assert.equal(chunks.length, 90);
    assert.ok(chunks.every((c) => c.kind === 'chunk'));
    // Nothing lost or added: init + chunks are the file, up to ffmpeg's closing mfra index.
    const joined = concatBytes([init.bytes, ...chunks.map((c) => c.bytes)]);
    assert.deepEqual(joined, file.subarray(0, joined.length));
    assert.equal(
      new TextDecoder().decode(file.subarray(joined.length + 4, joined.length + 8)),
      'mfra',
    );
    assert.deepEqual(
      chunks.flatMap((c, i) => (c.keyframe ? [i] : [])),
      [0, 60],
    );
    let time = 0;
    for (const chunk of chunks) {
      assert.equal(chunk.baseDecodeTime, time);
      assert.ok(chunk.durationTicks > 0);
      assert.ok(chunk.producerTimeMs !== undefined);
      assert.equal(new TextDecoder().decode(chunk.bytes.subarray(4, 8)), 'prft');
      time += chunk.durationTicks;
    }
    assert.equal(time, init.track.timescale * 3);
  });

  test('any chunking of the input gives the same parts', () => {
    for (const [max, seed] of [
      [1, 1],
      [7, 2],
      [333, 3],
      [70_000, 4],
    ] as const) {
      const parts = splitAll(chop(file, max, seed));
      assert.equal(parts.length, 91, `pieces up to ${max} bytes`);
      assert.deepEqual(parts[0]?.bytes, init.bytes);
      assert.deepEqual(parts.at(-1)?.bytes, chunks.at(-1)?.bytes);
    }
  });

  test('styp, sidx and free boxes are skipped, even when they arrive in pieces', () => {
    const free = makeBox('free', new Uint8Array(100_000));
    const styp = makeBox('styp', new TextEncoder().encode('msdhmsdh'));
    const withExtras = concatBytes([
      init.bytes,
      styp,
      free,
      ...chunks.slice(0, 10).flatMap((c) => [c.bytes, free]),
    ]);
    // Skipped boxes are never held, so the size cap does not apply to them.
    for (const pieces of [chop(withExtras, 4096), [withExtras]]) {
      const parts = splitAll(pieces, new Fmp4Splitter({ maxBoxBytes: 20_000 }));
      assert.equal(parts.length, 11);
      assert.deepEqual(
        parts.slice(1).map((p) => p.bytes),
        chunks.slice(0, 10).map((c) => c.bytes),
      );
    }
  });

  test('bounded and strict: oversized, garbage, no init, cut tail, multi-track', () => {
    const small = new Fmp4Splitter({ maxBoxBytes: 2000 });
    assert.throws(() => splitAll([file], small), fails('TOO_LARGE'));
    const garbage = new Uint8Array(64).fill(0xff);
    assert.throws(() => splitAll([garbage]), fails('MALFORMED'));
    assert.throws(() => splitAll([chunks[0]?.bytes ?? new Uint8Array()]), fails('NO_INIT'));
    assert.throws(() => splitAll([file.subarray(0, file.length - 1)]), fails('TRUNCATED'));
    assert.throws(() => splitAll([new Uint8Array(0)]), fails('NO_INIT'));
    const twoTracks = muxInits([init.bytes, init.bytes]);
    assert.throws(() => splitAll([twoTracks]), fails('MULTI_TRACK'));
  });

  test('a new init mid-stream (encoder restart) is passed on', () => {
    const parts = splitAll([init.bytes, chunks[0]?.bytes ?? new Uint8Array(), init.bytes]);
    assert.deepEqual(
      parts.map((p) => p.kind),
      ['init', 'chunk', 'init'],
    );
  });
});

describe('splitFmp4', () => {
  test('reads an async source; an abort stops it and closes the source', async () => {
    const file = await makeVideoFmp4({ seconds: 1 });
    let parts = 0;
    for await (const part of splitFmp4(streamOf(chop(file, 1000)))) {
      assert.ok(part.bytes.length > 0);
      parts++;
    }
    assert.equal(parts, 31);

    let sourceClosed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        yield file.subarray(0, 2000);
        await new Promise(() => undefined); // a pipe that goes quiet
      } finally {
        sourceClosed = true;
      }
    }
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const part of splitFmp4(endless(), abort.signal)) seen.push(part.kind);
    })();
    setTimeout(() => abort.abort(new Error('stopped by user')), 20);
    await assert.rejects(reading, /stopped by user/);
    assert.deepEqual(seen, ['init']);
    // The quiet source cannot run its finally while stuck in an await; a live one would.
    assert.equal(sourceClosed, false);
  });

  test('a source that throws rejects with its error', async () => {
    const file = await makeVideoFmp4({ seconds: 1 });
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield file.subarray(0, 5000);
      throw new Error('encoder crashed');
    }
    const kinds: string[] = [];
    await assert.rejects(async () => {
      for await (const part of splitFmp4(broken())) kinds.push(part.kind);
    }, /encoder crashed/);
    assert.equal(kinds[0], 'init');
  });
});
