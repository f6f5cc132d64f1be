import type { TrackConsumer } from '../moq/index.js';
import type { CatalogTrack } from '../media/catalog/index.js';
import { muxInits, setTrackId } from '../media/cmaf/index.js';
import { LegacyAudioRemuxer, LegacyFrameError, LegacyVideoRemuxer } from '../media/legacy/index.js';
import { readMedia } from '../media/packager/index.js';
import { abortable } from '../async/index.js';
import { CliError, ExitCode, describeError } from './cli-error.js';
import { RecordingTimeline, type RecordingTrack } from './recording-timeline.js';

/** What the legacy recorder needs from moq-sub: subscribing, writing, and judging an end. */
export interface LegacyRecordingIo {
  /** The broadcast's name, for messages. */
  broadcast: string;
  subscribe(track: CatalogTrack): Promise<TrackConsumer>;
  write(data: Uint8Array): Promise<void>;
  /** The exit code for a track that ended with `error` (or a CliError thrown). */
  ended(error: unknown): number;
  /** One more chunk written (for the "no media arrived" checks). */
  wrote(): void;
  note(line: string): void;
}

/**
 * A hang broadcast's legacy tracks recorded as one fragmented MP4: H.264 video (its init is
 * known at the first keyframe, whose SPS/PPS make the avcC) and Opus or AAC audio (its init is
 * known from the catalog). The file's init — both tracks — is written at the first keyframe;
 * audio from before it is left out by the timeline. Without video, audio leads.
 */
export async function recordLegacy(
  tracks: readonly CatalogTrack[],
  io: LegacyRecordingIo,
  keepTimestamps: boolean,
  signal: AbortSignal,
): Promise<number> {
  const legacy = tracks.filter((t) => t.packaging === 'legacy');
  const videoTrack = legacy.find((t) => t.role === 'video');
  const audioTrack = legacy.find((t) => t.role === 'audio');
  const video = videoTrack && remuxer(() => new LegacyVideoRemuxer(videoTrack));
  const audio = audioTrack && remuxer(() => new LegacyAudioRemuxer(audioTrack));
  const left = tracks.filter((t) => t !== videoTrack && t !== audioTrack).map((t) => t.name);
  const header = Promise.withResolvers<void>();
  header.promise.catch(() => undefined);
  const timeline = new RecordingTimeline(keepTimestamps);
  const copies: Array<Promise<void>> = [];
  const names: string[] = [];
  if (video && videoTrack) {
    const consumer = await io.subscribe(videoTrack);
    names.push(`${videoTrack.name} (hang legacy H.264)`);
    copies.push(copyVideo(consumer, video, audio?.init, timeline, header, io, signal));
  }
  if (audio && audioTrack) {
    const consumer = await io.subscribe(audioTrack);
    names.push(`${audioTrack.name} (hang legacy ${audioTrack.codec})`);
    const trackId = video ? 2 : 1;
    if (!video) {
      await io.write(muxInits([audio.init]));
      header.resolve();
    }
    const track = timeline.track(audio.init, !video);
    copies.push(copyAudio(consumer, audio, track, trackId, header.promise, io, signal));
  }
  const leftOut = left.length > 0 ? `; left out: ${left.join(', ')}` : '';
  io.note(`receiving ${io.broadcast}: ${names.join(', ')}${leftOut}`);
  try {
    await Promise.all(copies);
  } catch (error) {
    header.reject(error);
    if (signal.aborted) return ExitCode.OK;
    if (error instanceof LegacyFrameError) {
      throw new CliError('SESSION_ERROR', `unreadable legacy frame: ${error.message}`, {
        cause: error,
      });
    }
    return io.ended(error);
  }
  io.note('the broadcast ended');
  return ExitCode.OK;
}

/** A remuxer for a track, or the CliError that says why its codec cannot be recorded. */
function remuxer<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new CliError('REFUSED', describeError(error), { cause: error });
  }
}

async function copyVideo(
  consumer: TrackConsumer,
  video: LegacyVideoRemuxer,
  audioInit: Uint8Array | undefined,
  timeline: RecordingTimeline,
  header: PromiseWithResolvers<void>,
  io: LegacyRecordingIo,
  signal: AbortSignal,
): Promise<void> {
  signal.addEventListener('abort', () => consumer.close(), { once: true });
  let track: RecordingTrack | undefined;
  for await (const object of readMedia(consumer, signal)) {
    const out = video.push(object.objectId, object.payload);
    if (out.init) {
      await io.write(muxInits(audioInit ? [out.init, audioInit] : [out.init]));
      track = timeline.track(out.init, true);
      header.resolve();
    }
    const placed = out.chunk && track ? await track.place(out.chunk, signal) : undefined;
    if (!placed) continue;
    await io.write(setTrackId(placed, 1));
    io.wrote();
  }
}

async function copyAudio(
  consumer: TrackConsumer,
  audio: LegacyAudioRemuxer,
  track: RecordingTrack,
  trackId: number,
  header: Promise<void>,
  io: LegacyRecordingIo,
  signal: AbortSignal,
): Promise<void> {
  signal.addEventListener('abort', () => consumer.close(), { once: true });
  for await (const object of readMedia(consumer, signal)) {
    const chunk = audio.push(object.payload);
    if (!chunk) continue;
    await abortable(header, signal);
    const placed = await track.place(chunk, signal);
    if (!placed) continue;
    await io.write(setTrackId(placed, trackId));
    io.wrote();
  }
}
