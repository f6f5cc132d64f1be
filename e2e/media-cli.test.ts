// moq-pub → moq-relay → moq-sub as real processes with real ffmpeg, checked with ffprobe: the
// ladder's renditions, aligned keyframes, continuity across a --loop restart, the stdin (seed)
// contract, and every bad input ending with a clear message and the right exit code.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { encodeCatalog, type Catalog } from '../src/media/catalog/index.js';
import { BroadcastProducer } from '../src/moq/index.js';
import { closeRelaySession, openRelaySession } from '../src/cli/relay-session.js';
import { Cli, startRelay, type Listening } from './cli-process.js';
import { largestGap, probe, smallestStep, timesOf } from './media-probe.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'moq-media-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FRAME_SEC = 1 / 30;
const LIVE_MS = 30_000;

let listening: Listening;
let relay: Cli;

before(async () => {
  ({ relay, listening } = await startRelay());
});
after(() => relay.child.kill('SIGINT'));

function pub(
  name: string,
  args: string[],
  options: { stdin?: boolean; env?: NodeJS.ProcessEnv } = {},
): Cli {
  return new Cli('moq-pub', ['--url', listening.url, '--name', name, ...args], options);
}

async function live(publisher: Cli): Promise<void> {
  await publisher.waitForLine('stderr', (l) => l.includes('live as'), LIVE_MS);
}

/** moq-sub for a while into a file; resolves with the file once it exited 0. */
async function record(name: string, seconds: number, args: string[] = []): Promise<string> {
  const file = join(dir, `${name}-${Date.now()}.mp4`);
  const sub = new Cli(
    'moq-sub',
    ['--url', listening.url, '--name', name, '--duration', String(seconds), ...args],
    { stdoutFile: file },
  );
  const exit = await sub.exit((seconds + 20) * 1000);
  assert.equal(exit.code, 0, sub.dump());
  assert.ok(statSync(file).size > 0, 'moq-sub wrote nothing');
  return file;
}

async function stop(publisher: Cli): Promise<void> {
  publisher.child.kill('SIGINT');
  const exit = await publisher.exit();
  assert.equal(exit.code, 0, publisher.dump());
}

describe('moq-pub → relay → moq-sub', () => {
  test('a test-pattern ladder: every rendition, identical keyframes, A/V on one timeline', async () => {
    const publisher = pub('ladder', ['--test-pattern', '--ladder', '720p,360p']);
    await live(publisher);
    await sleep(2500); // a first group is out, so the recording starts at once
    const file = await record('ladder', 7, ['--rendition', 'all']);
    await stop(publisher);

    const { streams, packets } = await probe(file);
    const video = streams.filter((s) => s.codecType === 'video');
    const audio = streams.filter((s) => s.codecType === 'audio');
    assert.deepEqual(
      video.map((s) => `${s.width}x${s.height}`),
      ['1280x720', '640x360'],
    );
    assert.equal(audio.length, 1);

    const [hi, lo] = video.map((s) => timesOf(packets, s.index, true));
    assert.ok(hi && lo && hi.length >= 3, `keyframes: ${String(hi)}`);
    const from = Math.max(hi[0] ?? 0, lo[0] ?? 0);
    const to = Math.min(hi.at(-1) ?? 0, lo.at(-1) ?? 0);
    const within = (t: number): boolean => t >= from - 1e-6 && t <= to + 1e-6;
    assert.deepEqual(hi.filter(within), lo.filter(within), 'keyframes differ across renditions');
    for (let i = 1; i < hi.length; i++) {
      assert.ok(Math.abs((hi[i] ?? 0) - (hi[i - 1] ?? 0) - 2) < 0.01, `GOP ≠ 2 s: ${String(hi)}`);
    }
    for (const stream of video) {
      const times = timesOf(packets, stream.index);
      assert.ok(times.length >= 150, `${times.length} frames in 7 s`);
      assert.ok(largestGap(times) < FRAME_SEC * 1.5, `video gap ${largestGap(times)} s`);
    }
    // Audio and video share the encoder's clock: the audio covers the first video frame (to
    // within one AAC frame) and runs as long as the video does.
    const firstVideo = timesOf(packets, video[0]?.index ?? 0)[0] ?? 0;
    const audioTimes = timesOf(packets, audio[0]?.index ?? 0);
    assert.ok((audioTimes[0] ?? Infinity) <= firstVideo + 0.04, `audio starts ${audioTimes[0]}`);
    assert.ok(Math.abs((audioTimes.at(-1) ?? 0) - (hi.at(-1) ?? 0)) < 2.5);
    assert.ok(largestGap(audioTimes) < 0.05, `audio gap ${largestGap(audioTimes)} s`);
  });

  test('a looping file keeps its timestamps continuous across the restart', async () => {
    const clip = join(dir, 'clip.mp4');
    await run('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '2'],
      ...['-c:v', 'libx264', '-g', '30', '-bf', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
      clip,
    ]);
    const publisher = pub('loop', ['--input', clip, '--loop', '--gop-ms', '1000']);
    await live(publisher);
    await sleep(1500);
    const file = await record('loop', 6);
    await stop(publisher);
    const { streams, packets } = await probe(file);
    const video = streams.find((s) => s.codecType === 'video');
    const audio = streams.find((s) => s.codecType === 'audio');
    assert.ok(video && audio);
    const times = timesOf(packets, video.index);
    assert.ok((times.at(-1) ?? 0) - (times[0] ?? 0) > 4, 'recorded across at least one restart');
    assert.ok(largestGap(times) < FRAME_SEC * 1.5, `video gap ${largestGap(times)} s`);
    assert.ok(smallestStep(times) > FRAME_SEC * 0.5, 'video went back in time');
    const audioTimes = timesOf(packets, audio.index);
    assert.ok(largestGap(audioTimes) < 0.05, `audio gap ${largestGap(audioTimes)} s`);
    assert.ok(smallestStep(audioTimes) > 0, 'audio went back in time');
  });

  test("ffmpeg … -f mp4 -movflags cmaf+separate_moof… - | moq-pub … - (the seed's contract)", async () => {
    const publisher = pub('stdin', ['-'], { stdin: true });
    const ffmpeg = spawn('ffmpeg', [
      ...['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '60'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '30'],
      ...['-bf', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mp4'],
      ...['-movflags', 'cmaf+separate_moof+empty_moov+default_base_moof+frag_keyframe', '-'],
    ]);
    const stdin = publisher.child.stdin;
    assert.ok(stdin && ffmpeg.stdout);
    ffmpeg.stdout.pipe(stdin);
    stdin.on('error', () => undefined);
    try {
      await live(publisher);
      await sleep(2000);
      const file = await record('stdin', 4);
      const { streams, packets } = await probe(file);
      const video = streams.find((s) => s.codecType === 'video');
      const audio = streams.find((s) => s.codecType === 'audio');
      assert.ok(video && audio, JSON.stringify(streams));
      assert.equal(`${video.width}x${video.height}`, '640x360');
      const frames = timesOf(packets, video.index).length;
      const audioFrames = timesOf(packets, audio.index).length;
      assert.ok(frames >= 60, `${frames} video frames in 4 s`);
      assert.ok(audioFrames >= 100, `${audioFrames} audio frames in 4 s`);
    } finally {
      ffmpeg.kill('SIGKILL');
    }
    const exit = await publisher.exit(30_000);
    assert.equal(exit.code, 0, publisher.dump());
    assert.ok(publisher.lines.stderr.some((l) => l.includes('the source ended')));
  });
});

describe('moq-sub: the file starts at zero, and nothing is not success', () => {
  test('a recording starts at 0 and lasts what was asked; --keep-timestamps keeps the publisher clock', async () => {
    const publisher = pub('retime', ['--test-pattern', '--ladder', '360p']);
    try {
      await live(publisher);
      const file = await record('retime', 4);
      const { streams, packets } = await probe(file);
      for (const stream of streams) {
        const times = timesOf(packets, stream.index);
        assert.ok((times[0] ?? Infinity) < 0.1, `${stream.codecType} starts at ${times[0]} s`);
        // 4 s asked, plus at most one GOP the relay had cached when the recording began.
        assert.ok((times.at(-1) ?? 0) < 7, `${stream.codecType} ends at ${times.at(-1)} s`);
      }
      // The publisher has been live for more than 4 s now, so its clock is well past zero …
      const kept = await record('retime', 2, ['--keep-timestamps']);
      const keptStart = timesOf((await probe(kept)).packets, 0)[0] ?? 0;
      assert.ok(keptStart > 2, `kept timestamps start at ${keptStart} s`);
      // … and a recording from there still starts at zero.
      const later = await record('retime', 2);
      const laterStart = timesOf((await probe(later)).packets, 0)[0] ?? Infinity;
      assert.ok(laterStart < 0.1, `a later recording starts at ${laterStart} s`);
    } finally {
      await stop(publisher);
    }
  });

  test('a broadcast that sends no media: exit 6 with a reason, not an empty file and 0', async () => {
    const source = pub('catalog-source', ['--test-pattern', '--ladder', '360p']);
    await live(source);
    const printer = new Cli('moq-sub', [
      '--url',
      listening.url,
      '--name',
      'catalog-source',
      '--catalog',
    ]);
    assert.equal((await printer.exit(30_000)).code, 0, printer.dump());
    const catalog = JSON.parse(printer.lines.stdout.join('\n')) as Catalog;
    await stop(source);

    // The same catalog under another name, with its tracks present but silent.
    const opened = await openRelaySession(new URL(listening.url), 'auto');
    const broadcast = new BroadcastProducer(['silent']);
    const catalogTrack = broadcast.createTrack('catalog');
    for (const track of catalog.tracks) broadcast.createTrack(track.name);
    catalogTrack.createGroup().write(encodeCatalog(catalog));
    await opened.session.publish(broadcast);
    try {
      const sub = new Cli('moq-sub', ['--url', listening.url, '--name', 'silent', '--wait', '3'], {
        stdoutFile: join(dir, 'silent.mp4'),
      });
      const exit = await sub.exit(30_000);
      assert.equal(exit.code, 6, sub.dump());
      assert.match(sub.lines.stderr.join('\n'), /no media from silent within 3 s/);
    } finally {
      broadcast.close();
      await closeRelaySession(opened);
    }
  });

  test('a name nobody publishes: exit 4 with a reason', async () => {
    const sub = new Cli('moq-sub', ['--url', listening.url, '--name', 'nobody-here']);
    const exit = await sub.exit(30_000);
    assert.equal(exit.code, 4, sub.dump());
    assert.match(sub.lines.stderr.join('\n'), /nobody-here/);
  });
});

describe('moq-pub bad input', () => {
  async function fails(publisher: Cli, code: number, pattern: RegExp): Promise<void> {
    const exit = await publisher.exit(30_000);
    assert.equal(exit.code, code, publisher.dump());
    assert.match(publisher.lines.stderr.join('\n'), pattern);
  }

  test('a missing file', async () => {
    const missing = join(dir, 'nope.mp4');
    await fails(pub('missing', ['--input', missing]), 6, /nope\.mp4/);
  });

  test('a file with no video', async () => {
    const sound = join(dir, 'sound.m4a');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine', '-t', '1', sound]);
    await fails(pub('sound', ['--input', sound]), 6, /no video/i);
  });

  test('garbage on stdin', async () => {
    const publisher = pub('garbage', ['-'], { stdin: true });
    publisher.child.stdin?.end(
      Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) % 251)),
    );
    await fails(publisher, 6, /ffmpeg/i);
  });

  test('no ffmpeg anywhere: the message names all three places', async () => {
    const publisher = pub('noffmpeg', ['--test-pattern'], {
      env: { ...process.env, FFMPEG_PATH: join(dir, 'no-ffmpeg'), PATH: join(dir, 'empty') },
    });
    await fails(publisher, 6, /ffmpeg-static[\s\S]*FFMPEG_PATH[\s\S]*PATH/);
  });

  test('a taken name: a clear refusal that suggests --name', async () => {
    const first = pub('taken', ['--test-pattern', '--ladder', '360p']);
    await live(first);
    await fails(pub('taken', ['--test-pattern', '--ladder', '360p']), 4, /--name/);
    await stop(first);
  });

  test('ffmpeg killed mid-stream: moq-pub exits non-zero, viewers see the end with a reason', async () => {
    const publisher = pub('killed', ['--test-pattern', '--ladder', '360p']);
    await live(publisher);
    await sleep(2500);
    const viewer = new Cli('moq-sub', ['--url', listening.url, '--name', 'killed'], {
      stdoutFile: join(dir, 'killed.mp4'),
    });
    await viewer.waitForLine('stderr', (l) => l.includes('receiving killed'), LIVE_MS);
    await sleep(500);
    const { stdout } = await run('pgrep', ['-P', String(publisher.child.pid), 'ffmpeg']);
    const pid = Number(stdout.trim().split('\n')[0]);
    assert.ok(pid > 0, 'ffmpeg is a child of moq-pub');
    process.kill(pid, 'SIGKILL');
    await fails(publisher, 6, /ffmpeg[\s\S]*(SIGKILL|signal)/i);
    const seen = await viewer.exit(30_000);
    assert.equal(seen.code, 5, viewer.dump());
    assert.match(viewer.lines.stderr.join('\n'), /ended with an error[\s\S]*(SIGKILL|signal)/i);
  });
});
