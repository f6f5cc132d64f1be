import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EncoderError } from './encoder-error.js';
import { FFMPEG, FFPROBE } from './encoder-test-kit.js';
import { findFfmpeg, findFfprobe, unpackedFromAsar } from './find-ffmpeg.js';

test('findFfmpeg finds ffmpeg on PATH when ffmpeg-static is absent and FFMPEG_PATH unset', async () => {
  assert.equal(await findFfmpeg({ env: { PATH: '/nowhere:/usr/bin' } }), FFMPEG);
});

test('findFfmpeg prefers a working FFMPEG_PATH over PATH', async () => {
  assert.equal(await findFfmpeg({ env: { FFMPEG_PATH: FFMPEG, PATH: '/nowhere' } }), FFMPEG);
});

test('FFMPEG_NOT_FOUND names the three places and why each failed', async () => {
  const env = { FFMPEG_PATH: '/bogus/ffmpeg', PATH: '/nowhere:/also-nowhere' };
  await assert.rejects(findFfmpeg({ env }), (error: unknown) => {
    assert.ok(error instanceof EncoderError);
    assert.equal(error.code, 'FFMPEG_NOT_FOUND');
    assert.match(error.message, /ffmpeg-static package: not installed/);
    assert.match(error.message, /FFMPEG_PATH: \/bogus\/ffmpeg does not run/);
    assert.match(error.message, /PATH: no executable ffmpeg in 2 folders/);
    return true;
  });
});

test('a FFMPEG_PATH that runs but is not ffmpeg is not accepted', async () => {
  // `true` runs and exits 0 but prints no version.
  const env = { FFMPEG_PATH: '/bin/true', PATH: '' };
  await assert.rejects(findFfmpeg({ env }), /printed no version/);
});

test('findFfprobe looks next to ffmpeg, and answers undefined when there is none', async () => {
  assert.equal(await findFfprobe(FFMPEG, { env: { PATH: '' } }), FFPROBE);
  assert.equal(await findFfprobe('/nowhere/ffmpeg', { env: { PATH: '/nowhere' } }), undefined);
  assert.equal(await findFfprobe(undefined, { env: { FFPROBE_PATH: FFPROBE } }), FFPROBE);
});

test('a packaged app runs ffmpeg-static from app.asar.unpacked, never from inside app.asar', () => {
  const packed = '/opt/MoQ Studio/resources/app.asar/node_modules/ffmpeg-static/ffmpeg';
  assert.equal(
    unpackedFromAsar(packed),
    '/opt/MoQ Studio/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg',
  );
  const windows = 'C:\\MoQ\\resources\\app.asar\\node_modules\\ffmpeg-static\\ffmpeg.exe';
  assert.match(unpackedFromAsar(windows), /\\app\.asar\.unpacked\\/);
  assert.equal(
    unpackedFromAsar('/usr/lib/node_modules/ffmpeg-static/ffmpeg'),
    '/usr/lib/node_modules/ffmpeg-static/ffmpeg',
  );
});
