/**
 * Hang legacy audio through our relay into moq-sub, Node only: real Opus and AAC from ffmpeg
 * sent as `@moq/publish` sends them (raw packets / access units behind a timestamp varint,
 * described by `catalog.json`), beside legacy H.264. moq-sub, a real process, records a file
 * whose audio stream ffprobe reads; bad catalogs make it exit with a clear reason while another
 * broadcast on the same relay records as before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Relay } from '../src/relay/index.js';
import {
  makeLegacyAudio,
  makeLegacyVideo,
  type LegacyAudio,
  type LegacyObject,
} from '../src/media/legacy/legacy-test-kit.js';
import { Cli } from './cli-process.js';
import { probe } from './media-probe.js';
import { publishLegacyBroadcast, type LegacyBroadcast } from './hang-legacy-publisher.js';

const SECONDS = 4;
const durationUs = SECONDS * 1_000_000;

describe('hang legacy audio → our relay → moq-sub', () => {
  let relay: Relay;
  let dir: string;
  let video: { config: Record<string, unknown>; objects: LegacyObject[] };
  const audio: Partial<Record<'opus' | 'aac', LegacyAudio>> = {};
  const broadcasts: LegacyBroadcast[] = [];

  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    dir = mkdtempSync(join(tmpdir(), 'moq-legacy-audio-'));
    video = await makeLegacyVideo(SECONDS);
    audio.opus = await makeLegacyAudio('opus', SECONDS);
    audio.aac = await makeLegacyAudio('aac', SECONDS);
  });

  after(async () => {
    for (const b of broadcasts) b.close();
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A broadcast of legacy video and/or audio, described as @moq/publish describes it. */
  function publish(name: string, codec: 'opus' | 'aac' | undefined, withVideo: boolean): void {
    const sound = codec ? audio[codec] : undefined;
    const catalog = {
      ...(withVideo ? { video: { renditions: { 'video/hd': video.config } } } : {}),
      ...(sound ? { audio: { renditions: { 'audio/data': sound.config } } } : {}),
    };
    const media = [
      ...(withVideo ? [{ name: 'video/hd', objects: video.objects, durationUs }] : []),
      ...(sound
        ? [
            {
              name: 'audio/data',
              objects: sound.objects.map((payload) => ({ objectId: 0, payload })),
              durationUs,
            },
          ]
        : []),
    ];
    broadcasts.push(publishLegacyBroadcast(relay, name, catalog, media));
  }

  async function record(name: string, seconds: number): Promise<{ file: string; sub: Cli }> {
    const file = join(dir, `${name.replaceAll('/', '-')}.mp4`);
    const url = `http://127.0.0.1:${relay.port}/`;
    const sub = new Cli('moq-sub', ['--url', url, '--name', name, '--duration', String(seconds)], {
      stdoutFile: file,
    });
    const exit = await sub.exit(60_000);
    assert.equal(exit.code, 0, sub.dump());
    return { file, sub };
  }

  for (const [codec, codecName] of [
    ['opus', 'opus'],
    ['aac', 'aac'],
  ] as const) {
    test(`legacy ${codec} beside legacy H.264: moq-sub records both, audio in sync`, async () => {
      const name = `legacy/${codec}-av`;
      publish(name, codec, true);
      const { file, sub } = await record(name, 5);
      assert.ok(
        sub.lines.stderr.some((l) =>
          l.includes(`audio/data (hang legacy ${audio[codec]?.track.codec})`),
        ),
        sub.dump(),
      );
      const { streams, packets } = await probe(file);
      const videoStream = streams.find((s) => s.codecType === 'video');
      const audioStream = streams.find((s) => s.codecType === 'audio');
      assert.equal(videoStream?.codecName, 'h264');
      assert.equal(audioStream?.codecName, codecName);
      const span = (index: number): { first: number; last: number } => {
        const times = packets.filter((p) => p.stream === index).map((p) => p.ptsSec);
        return { first: Math.min(...times), last: Math.max(...times) };
      };
      const v = span(videoStream?.index ?? -1);
      const a = span(audioStream?.index ?? -1);
      // moq-sub starts at the newest video group, so it records up to 5 s less that wait.
      assert.ok(a.last - a.first > 2 && a.last - a.first < 5.5, `audio ${a.first}–${a.last} s`);
      // Video starts at its newest keyframe (up to a GOP, 1 s, before moq-sub subscribed); hang
      // sends each audio frame as its own group, so audio starts at the subscription: later.
      assert.ok(
        a.first >= v.first && a.first - v.first < 1.05,
        `audio starts at ${a.first}, video at ${v.first}`,
      );
      assert.ok(Math.abs(a.last - v.last) < 0.3, `audio ends at ${a.last}, video at ${v.last}`);
      const [probed] = await probeAudioFile(file);
      assert.equal(probed?.sample_rate, '48000');
      console.log(
        `moq-sub on legacy ${codec}+H.264: audio ${(a.last - a.first).toFixed(2)} s, video ` +
          `${(v.last - v.first).toFixed(2)} s, starts ${a.first.toFixed(3)}/${v.first.toFixed(3)} s`,
      );
    });
  }

  test('bad catalogs: moq-sub exits non-zero saying why; another recording is untouched', async () => {
    publish('legacy/good-meanwhile', 'opus', true);
    const url = `http://127.0.0.1:${relay.port}/`;
    const goodFile = join(dir, 'good-meanwhile.mp4');
    const good = new Cli(
      'moq-sub',
      ['--url', url, '--name', 'legacy/good-meanwhile', '--duration', '8'],
      {
        stdoutFile: goodFile,
      },
    );
    const cases: Array<{ name: string; catalog: unknown; exit: number; text: RegExp }> = [
      {
        name: 'broken-json',
        catalog: new TextEncoder().encode('{"audio": '),
        exit: 4,
        text: /no readable catalog for legacy\/bad-broken-json: catalog\.json: catalog is not UTF-8 JSON/,
      },
      {
        name: 'wrong-types',
        catalog: { audio: { renditions: { 'audio/data': { codec: 'opus', sampleRate: '48k' } } } },
        exit: 4,
        text: /catalog\.json: audio\.audio\/data: sampleRate: expected number/,
      },
      {
        name: 'unplayable-codec',
        catalog: {
          audio: {
            renditions: {
              'audio/data': { ...(audio.opus as LegacyAudio).config, codec: 'flac' },
            },
          },
        },
        exit: 4,
        text: /only Opus and AAC legacy audio can be played or recorded, not flac/,
      },
      { name: 'empty', catalog: {}, exit: 4, text: /the catalog lists no media tracks/ },
    ];
    for (const bad of cases) {
      broadcasts.push(publishLegacyBroadcast(relay, `legacy/bad-${bad.name}`, bad.catalog, []));
    }
    for (const bad of cases) {
      const sub = new Cli('moq-sub', ['--url', url, '--name', `legacy/bad-${bad.name}`]);
      const exit = await sub.exit(30_000);
      assert.equal(exit.code, bad.exit, sub.dump());
      assert.match(sub.lines.stderr.join('\n'), bad.text);
      console.log(
        `moq-sub on the ${bad.name} catalog: exit ${exit.code}: ${sub.lines.stderr.at(-1)}`,
      );
    }
    const goodExit = await good.exit(60_000);
    assert.equal(goodExit.code, 0, good.dump());
    const { streams } = await probe(goodFile);
    assert.deepEqual(
      streams.map((s) => s.codecName),
      ['h264', 'opus'],
    );
  });

  test('legacy Opus alone (no video): moq-sub records an audio-only file', async () => {
    publish('legacy/opus-only', 'opus', false);
    const { file } = await record('legacy/opus-only', 3);
    const { streams, packets } = await probe(file);
    assert.deepEqual(
      streams.map((s) => `${s.codecType}:${s.codecName}`),
      ['audio:opus'],
    );
    const times = packets.map((p) => p.ptsSec);
    const spanS = Math.max(...times) - Math.min(...times);
    assert.ok(spanS > 2 && spanS < 3.5, `${spanS} s of audio in a 3 s recording`);
  });
});

async function probeAudioFile(file: string): Promise<Array<{ sample_rate?: string }>> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { stdout } = await promisify(execFile)('ffprobe', [
    ...['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=sample_rate'],
    ...['-of', 'json', file],
  ]);
  return (JSON.parse(stdout) as { streams: Array<{ sample_rate?: string }> }).streams;
}
